import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Shards of one gate on several machines share one baseline cache folder (issue 23): writers of
 * the same entries at once, a reader beside them. Every entry read back is whole and trusted (its
 * logits match their hash), no writer's temp file is left, and no entry is distrusted.
 */
it('the baseline cache: three writers of the same entries and a reader at once, in one shared folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asr-parity-shared-cache-'));
  const script = join(dir, 'cache-writer.mts');
  writeFileSync(
    script,
    `import { existsSync, writeFileSync } from 'node:fs';
import { BaselineCacheStore } from '${ROOT}/harness/run/baseline-cache.ts';
const [, , role, folder] = process.argv;
const store = new BaselineCacheStore(folder, { backend: 'cpu-fp32', modelSha256: 'shared' }, (p) => { console.error('problem', p.file, p.problem); process.exitCode = 1; });
const audio = (i) => i.toString(16).padStart(64, '0');
// each audio's logits are the same bytes whoever computes them (one model, one audio): 50 steps of a 2,000-word vocabulary
const logits = (i) => ({ tokens: [1, 2, 3, i], values: Array.from({ length: 50 }, (_, s) => Float32Array.from({ length: 2000 }, (_, v) => Math.sin(i * 7 + s * 13 + v))) });
const WRITERS = ['a', 'b', 'c'];
// everyone starts together once all have started (process start-up takes seconds on a loaded machine)
writeFileSync(folder + '/ready-' + role, '');
while (!['a', 'b', 'c', 'reader'].every((r) => existsSync(folder + '/ready-' + r))) await new Promise((r) => setTimeout(r, 20));
if (role === 'reader' || role === 'check') {
  // reads while any writer is still writing (and once more after): every entry seen must be whole and trusted
  do {
    for (let i = 0; i < 20; i++) { const e = store.get(audio(i)); if (e && !store.logits(e, [1, 2, 3, i])) { console.error('logits unreadable', i); process.exitCode = 1; } }
  } while (role === 'reader' && !WRITERS.every((w) => existsSync(folder + '/done-' + w)));
} else {
  for (let round = 0; round < 5; round++) for (let i = 0; i < 20; i++) store.put(audio(i), role, { text: 'case ' + i, tokens: [1, 2, 3, i], timings: { totalMs: 1 } }, logits(i));
  writeFileSync(folder + '/done-' + role, '');
}
`,
  );
  const run = (who: string) => execa('node', ['--import', 'tsx', script, who, dir], { cwd: ROOT, reject: false });
  const results = await Promise.all([run('a'), run('b'), run('c'), run('reader')]);
  for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
  const check = await execa('node', ['--import', 'tsx', script, 'check', dir], { cwd: ROOT, reject: false });
  expect(check.exitCode, check.stderr).toBe(0);
  const folder = readdirSync(dir).find((f) => /^[0-9a-f]{24}$/.test(f))!;
  const files = readdirSync(join(dir, folder));
  expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(20);
  expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
});
