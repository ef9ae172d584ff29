import { resolve } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';

/**
 * vitest runs TypeScript without checking its types: this is the check, the whole tree under
 * tsconfig.json's strict settings. A test file rather than a step before the tests, so its
 * quarter of a minute of one core overlaps the suites instead of delaying them.
 */
const ROOT = resolve(import.meta.dirname, '..');

it('the tree type-checks (tsc --noEmit, strict)', async () => {
  const r = await execa(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--pretty', 'false'], { cwd: ROOT, reject: false, stdin: 'ignore' });
  const errors = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(0, 40).join('\n');
  expect(r.exitCode, `npx tsc --noEmit:\n${errors}`).toBe(0);
});
