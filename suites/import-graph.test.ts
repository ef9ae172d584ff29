import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Production code never imports fixtures/ (issue 13): fixtures are test data and the tools
 * that make it (eSpeak-NG, the model builder), and a command that imports them pays for them
 * at start-up. What production needs from there, the default paths, lives in
 * harness/io/default-paths.ts, which fixtures/ imports, not the reverse.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The one door: the CLI's `fixtures` command and a command's first use run the generator.
 * Allowed only as a dynamic import (so no start-up loads it), from this one file.
 */
const GENERATOR_DOOR = { from: 'harness/cli/fixture-generation.ts', to: 'fixtures/generate.ts' };

// static imports and re-exports (type-only ones too: they tie the layers all the same),
// side-effect imports, and import('literal')
const STATIC = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w$*{},\s]+?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Edge {
  from: string;
  to: string;
  dynamic: boolean;
}

/** Every relative import in the non-test TypeScript and JavaScript files under `dirs` of `root`, as paths relative to `root`. */
function importEdges(root: string, dirs: string[]): Edge[] {
  const edges: Edge[] = [];
  for (const d of dirs) {
    const files = readdirSync(join(root, d), { recursive: true })
      .map((f) => join(root, d, String(f)))
      .filter((f) => /\.(ts|mjs|js)$/.test(f) && !/\.test\.ts$/.test(f) && !f.includes(`${sep}generated${sep}`) && !f.includes(`${sep}node_modules${sep}`));
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [re, dynamic] of [[STATIC, false], [DYNAMIC, true]] as const) {
        for (const m of text.matchAll(re)) {
          const spec = m[1]!;
          if (!spec.startsWith('.')) continue;
          edges.push({ from: relative(root, file), to: relative(root, resolve(dirname(file), spec)), dynamic });
        }
      }
    }
  }
  return edges;
}

/** Imports of fixtures/ from outside fixtures/ and suites/, but for the generator's one door. */
function fixtureImportsFromProduction(root: string): Edge[] {
  const dirs = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !['fixtures', 'suites', 'node_modules', 'dist', 'results', '.git', '.cache'].includes(e.name) && !e.name.startsWith('.'))
    .map((e) => e.name);
  return importEdges(root, dirs).filter(
    (e) => e.to.split(sep)[0] === 'fixtures' && !(e.dynamic && e.from === GENERATOR_DOOR.from && e.to === GENERATOR_DOOR.to),
  );
}

describe('import graph', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'asr-parity-imports-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('no production module imports fixtures/ (only the CLI\'s generator door, dynamically)', () => {
    const found = fixtureImportsFromProduction(ROOT);
    expect(found.map((e) => `${e.from} -> ${e.to}${e.dynamic ? ' (dynamic)' : ''}`)).toEqual([]);
  });

  it('the generator door exists and is a dynamic import (else the allowance above hides nothing, or a start-up loads eSpeak-NG)', () => {
    const door = importEdges(ROOT, ['harness']).filter((e) => e.to === GENERATOR_DOOR.to);
    expect(door).toEqual([{ ...GENERATOR_DOOR, dynamic: true }]);
  });

  it('the check finds such imports: static, type-only, dynamic, and the door imported statically', () => {
    // a copy of the layout with one offending file of each kind
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), text);
    };
    write('fixtures/generate.ts', 'export const X = 1;\n');
    write('suites/ok.ts', "import { X } from '../fixtures/generate.ts';\n");
    write('backends/a.ts', "import { X } from '../fixtures/generate.ts';\n");
    write('harness/b.ts', "import type { X } from '../fixtures/generate.ts';\n");
    write('harness/c.ts', "const m = await import('../fixtures/generate.ts');\n");
    write('harness/cli/fixture-generation.ts', "import { X } from '../../fixtures/generate.ts';\nconst g = () => import('../../fixtures/generate.ts');\n");
    write('harness/d.test.ts', "import { X } from '../fixtures/generate.ts';\n");
    const found = fixtureImportsFromProduction(scratch).map((e) => `${e.from}${e.dynamic ? ' (dynamic)' : ''}`).sort();
    expect(found).toEqual(['backends/a.ts', 'harness/b.ts', 'harness/c.ts (dynamic)', 'harness/cli/fixture-generation.ts']);
  });
});
