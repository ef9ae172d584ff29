import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 24: a test that does not run says why, on every machine. `skipIf`/`runIf` hide the reason
 * (the report shows a skipped name and nothing else), and a bare `it.skip`, `describe.skip`,
 * `.todo` or `ctx.skip()` without a note likewise. The one way to skip is
 * suites/helpers/visible-skip.ts (the reason in the test's name and as the skip note), or
 * `ctx.skip(reason)` inside a test.
 */
const ROOT = resolve(import.meta.dirname, '..');
const HELPER = 'suites/helpers/visible-skip.ts';
const SILENT = [
  [/\.(skipIf|runIf)\s*\(/, 'skipIf/runIf gives no reason'],
  [/\b(it|test|describe)\.(skip|todo)\s*\(/, 'a static skip gives no reason a reporter shows as one'],
  [/\.skip\(\s*\)/, 'ctx.skip() without a note'],
] as const;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (['node_modules', 'dist', '.cache', 'generated', 'results', '.stryker-tmp'].includes(e.name) || e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : /\.(test\.ts|ts)$/.test(e.name) && (e.name.endsWith('.test.ts') || p.includes(`${join(ROOT, 'suites')}`)) ? [p] : [];
  });
}

describe('skipped tests say why', () => {
  it('no test file skips without a visible reason', () => {
    const files = ['suites', 'harness', 'backends', 'fixtures', 'bin'].flatMap((d) => testFiles(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const f of files) {
      const rel = relative(ROOT, f);
      if (rel === HELPER || rel === 'suites/visible-skips.test.ts') continue;
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        for (const [re, why] of SILENT) if (re.test(line)) found.push(`${rel}:${i + 1}: ${why}: ${line.trim()}`);
      });
    }
    expect(found, `skip with suites/helpers/visible-skip.ts (skipped / itUnless) or ctx.skip(reason)`).toEqual([]);
  });
});
