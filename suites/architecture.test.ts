import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph, importsOf, sourceFiles } from './helpers/import-graph.ts';
import { againstAllowList, describeViolations, layerViolations, type Layer } from './helpers/layer-check.ts';
import { KNOWN_VIOLATIONS, LAYERS, PRODUCTION, TEST_SIDE } from './layer-map.ts';

/**
 * Layers only point down (cli -> run -> report -> score & bench -> backend loading & config ->
 * backends -> audio, io, errors), production never imports test code, and folders of one layer
 * never import each other in a circle. The map and the known violations are in suites/layer-map.ts.
 */
const ROOT = resolve(import.meta.dirname, '..');

describe('the import graph of the tree', () => {
  const files = sourceFiles(ROOT, PRODUCTION);
  const found = layerViolations(files, importGraph(ROOT, PRODUCTION), LAYERS, TEST_SIDE);
  const { unexpected, stale } = againstAllowList(found, KNOWN_VIOLATIONS);

  it('reads the production tree (guards against a walk that finds nothing and so passes)', () => {
    expect(files).toContain('harness/cli/main.ts');
    expect(files).toContain('backends/index.ts');
    expect(files.length).toBeGreaterThan(50);
  });

  it('names only folders and files that exist', () => {
    const missing = LAYERS.flatMap((l) => l.units).filter((u) => !existsSync(join(ROOT, u)));
    expect(missing, 'suites/layer-map.ts names paths that are gone: map where they went').toEqual([]);
  });

  it('has no import that points up a layer, imports test code or closes a cycle, beyond the known ones', () => {
    expect(unexpected, `new layering violations (fix them, or, with a reason, add them to KNOWN_VIOLATIONS in suites/layer-map.ts):\n${describeViolations(unexpected)}`).toEqual([]);
  });

  it('lists as known only violations that still exist (the list only shrinks)', () => {
    expect(stale.map((k) => `${k.rule}: ${k.from} -> ${k.to}`), 'fixed: delete these from KNOWN_VIOLATIONS in suites/layer-map.ts').toEqual([]);
  });
});

describe('the layer check itself', () => {
  const layers: Layer[] = [
    { name: 'top', units: ['a'] },
    { name: 'middle', units: ['m1', 'm2', 'm1/special.ts'] },
    { name: 'bottom', units: ['z'] },
  ];
  const edge = (from: string, to: string, typeOnly = false) => ({ from, to, typeOnly, dynamic: false });
  const check = (edges: ReturnType<typeof edge>[], files = edges.map((e) => e.from)) => layerViolations(files, edges, layers, ['fixtures']);

  it('allows imports down a layer and sideways within one', () => {
    expect(check([edge('a/x.ts', 'm1/y.ts'), edge('m1/y.ts', 'm2/y.ts'), edge('m1/y.ts', 'z/q.ts'), edge('a/x.ts', 'z/q.ts')])).toEqual([]);
  });

  it('flags an import up a layer, types-only ones too, naming both files and both layers', () => {
    const v = check([edge('z/q.ts', 'a/x.ts'), edge('m2/y.ts', 'a/x.ts', true)]);
    expect(v).toEqual([
      { from: 'z/q.ts', to: 'a/x.ts', rule: 'points-up', detail: 'z (bottom) imports a (top), a layer above it' },
      { from: 'm2/y.ts', to: 'a/x.ts', rule: 'points-up', detail: 'm2 (middle) imports a (top), a layer above it (types only)' },
    ]);
  });

  it('flags production importing test code', () => {
    expect(check([edge('m1/y.ts', 'fixtures/generate.ts')]).map((v) => v.rule)).toEqual(['imports-test-code']);
  });

  it('flags a cycle between folders of one layer, every edge in it, and not an edge beside it', () => {
    const v = check([edge('m1/y.ts', 'm2/y.ts'), edge('m2/y.ts', 'm1/w.ts'), edge('m2/y.ts', 'z/q.ts')]);
    expect(v.map((x) => `${x.rule} ${x.from} -> ${x.to}`)).toEqual(['cycle m1/y.ts -> m2/y.ts', 'cycle m2/y.ts -> m1/w.ts']);
  });

  it('places a path by the longest entry of the map that contains it', () => {
    // m1/special.ts is a unit of its own: m1 -> m1/special.ts -> m1 is a cycle between two units
    const v = check([edge('m1/y.ts', 'm1/special.ts'), edge('m1/special.ts', 'm1/w.ts')]);
    expect(v.map((x) => x.rule)).toEqual(['cycle', 'cycle']);
  });

  it('flags files and import targets that no layer claims', () => {
    const v = check([edge('a/x.ts', 'elsewhere/e.ts')], ['a/x.ts', 'nowhere/n.ts']);
    expect(v.map((x) => `${x.rule} ${x.from} -> ${x.to}`)).toEqual(['unmapped nowhere/n.ts -> ', 'unmapped a/x.ts -> elsewhere/e.ts']);
  });

  it('tells new violations from known ones, and known ones that are gone', () => {
    const found = check([edge('z/q.ts', 'a/x.ts'), edge('z/r.ts', 'a/x.ts')]);
    const r = againstAllowList(found, [
      { from: 'z/q.ts', to: 'a/x.ts', rule: 'points-up', reason: 'known' },
      { from: 'z/gone.ts', to: 'a/x.ts', rule: 'points-up', reason: 'fixed since' },
    ]);
    expect(r.unexpected.map((v) => v.from)).toEqual(['z/r.ts']);
    expect(r.stale.map((k) => k.from)).toEqual(['z/gone.ts']);
  });
});

describe('reading imports', () => {
  it('sees static, type-only, re-exported and dynamic imports, and ignores packages', () => {
    const root = mkdtempSync(join(tmpdir(), 'asr-parity-imports-'));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write(
      'p/main.ts',
      [
        "import { x } from './x.ts';",
        "import type { T } from '../q/t.ts';",
        "import { type U, type V } from '../q/u.ts';",
        "import { type W, w } from '../q/w.ts';",
        "export { y } from './y.ts';",
        "import fs from 'node:fs';",
        "import koffi from 'koffi';",
        "const later = async () => (await import('../q/lazy.ts')).run();",
        "type R = import('../q/r.ts').R;",
      ].join('\n'),
    );
    write('p/main.test.ts', "import '../q/t.ts';");
    expect(sourceFiles(root, ['p'])).toEqual(['p/main.ts']);
    expect(importsOf(root, 'p/main.ts')).toEqual([
      { from: 'p/main.ts', to: 'p/x.ts', typeOnly: false, dynamic: false },
      { from: 'p/main.ts', to: 'q/t.ts', typeOnly: true, dynamic: false },
      { from: 'p/main.ts', to: 'q/u.ts', typeOnly: true, dynamic: false },
      { from: 'p/main.ts', to: 'q/w.ts', typeOnly: false, dynamic: false },
      { from: 'p/main.ts', to: 'p/y.ts', typeOnly: false, dynamic: false },
      { from: 'p/main.ts', to: 'q/lazy.ts', typeOnly: false, dynamic: true },
      { from: 'p/main.ts', to: 'q/r.ts', typeOnly: true, dynamic: false },
    ]);
  });
});

// The layer check allows production's one import of fixtures/ (a known violation in
// suites/layer-map.ts) whatever its form; this pins the form: a static import would load eSpeak-NG
// and the model builder at every start-up of the CLI.
describe('the one door from production to fixtures/', () => {
  const DOOR = 'harness/cli/fixture-generation.ts';

  it(`is ${DOOR} importing the generator on demand only`, () => {
    const door = importGraph(ROOT, PRODUCTION).filter((e) => e.from === DOOR && e.to.startsWith('fixtures/'));
    expect(door).toEqual([{ from: DOOR, to: 'fixtures/generate.ts', typeOnly: false, dynamic: true }]);
  });
});
