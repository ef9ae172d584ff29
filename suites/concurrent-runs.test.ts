import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { readReport } from '../harness/report/report-file.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** Two gate runs writing to one results folder at once (two shards on one machine) keep every result whole. */
it('two concurrent writers never interleave or lose each other\'s reports', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asr-parity-concurrent-'));
  const script = join(dir, 'writer.mts');
  writeFileSync(
    script,
    `import { assembleReport } from '${ROOT}/harness/report/assemble-report.ts';
import { writeReport } from '${ROOT}/harness/report/report-file.ts';
const config = { source: null, normalizer: 'basic', thresholds: { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.99, minTop1Agreement: 0.999, marginTolerance: 0.5, evidence: 'bound', confidence: 0.95 }, baseline: 'cpu-fp32', fixtures: 'none', fixturesSha256: null };
for (let i = 0; i < 25; i++) {
  // a big report, so a torn write would show
  const fragments = Array.from({ length: 200 }, (_, k) => ({ name: process.argv[2] + '-' + k, backend: 'cpu-fp16', device: 'cpu', precision: 'fp16', role: 'device', required: false, status: 'skipped', reason: 'x'.repeat(500) }));
  await writeReport(assembleReport({ config, checks: ['accuracy'], fragments }), process.argv[3]);
}
`,
  );
  const run = (who: string) => execa('node', ['--import', 'tsx', script, who, dir], { cwd: ROOT });
  await Promise.all([run('a'), run('b')]);
  const runs = readdirSync(join(dir, 'runs'));
  expect(runs).toHaveLength(50);
  for (const r of runs) expect(readReport(join(dir, 'runs', r, 'report.json')).backends).toHaveLength(200);
  expect(readReport(join(dir, 'report.json')).backends[0]!.name).toMatch(/^[ab]-0$/);
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});
