import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, it } from 'vitest';
import { readReport } from '../harness/report/report-file.ts';
import type { Report } from '../harness/report/report-types.ts';
import { cliSession } from './helpers/cli-session.ts';
import { startSlurm } from './helpers/slurm-cluster.ts';
import { describeUnless } from './helpers/visible-skip.ts';

/**
 * The gate as a Slurm job array (issue 23): a one-node cluster started here (slurmctld, slurmd
 * and munged on a temp folder, stopped after), `sbatch --array=0-3` of eval-accuracy on the
 * fixtures with no --shard flag (each task finds its shard in SLURM_ARRAY_TASK_*), the four
 * reports merged by `report`, and the merged report held against the same gate run unsharded:
 * the same verdict, and every case and corpus figure equal. Then what `report` must refuse or
 * call incomplete, on those real shard files: a missing shard (exit 1, named), a case in two
 * shards (exit 2), a shard of another model (exit 2).
 */
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/asr-parity.mjs');
const dir = mkdtempSync(join(tmpdir(), 'asr-parity-slurm-'));
const cluster = await startSlurm(join(dir, 'cluster'));
afterAll(async () => {
  if ('stop' in cluster) await cluster.stop();
});
const { cli } = cliSession('asr-parity-shards-');
// twelve fixtures: tones, noise and speech; each of the four shards gets some (the hash decides which)
const GATE = ['eval-accuracy', '--config', join(ROOT, 'asr-parity.config.json'), '--backend', 'cpu-fp16', '--num-test-cases', '12', '--no-cache'];

/** A report as compared: what differs between any two runs of one gate (when it ran, and which part of the split it was) left out. */
function comparable(r: Report) {
  const { generatedAt, shard, mergedShards, environment, ...rest } = r;
  const { date, ...env } = environment;
  return { ...rest, environment: env };
}

describeUnless('skip' in cluster && `Slurm cannot start here: ${cluster.skip}`, 'shards as a Slurm job array', () => {
  const env = 'env' in cluster ? cluster.env : {};
  const shard = (i: number) => join(dir, `shard-${i}.json`);

  it('four array tasks find their shards, and their merge is the unsharded run case for case and figure for figure', async () => {
    const whole = await cli(...GATE, '--output', join(dir, 'whole.json'));
    expect([0, 1], whole.stderr).toContain(whole.exitCode);

    const script = join(dir, 'gate.sbatch');
    // no --shard: the shard comes from the array's variables, as in the README's template
    writeFileSync(script, `#!/bin/bash\ncd ${ROOT}\nexec node ${BIN} ${GATE.join(' ')} --output ${dir}/shard-\${SLURM_ARRAY_TASK_ID}.json\n`);
    // --wait: sbatch returns when every task has ended; two at a time on two cores
    const sb = await execa('sbatch', ['--wait', '--array=0-3', '--cpus-per-task=1', `--output=${dir}/task-%a.log`, script], { env, reject: false, timeout: 1_800_000 });
    // a task exits with the gate's verdict (1 on FAIL), and sbatch --wait with the highest: 0 or 1, never a crash or a refusal
    expect([0, 1], `${sb.stderr}\n${[0, 1, 2, 3].map((i) => readFileSync(join(dir, `task-${i}.log`), 'utf8')).join('\n')}`).toContain(sb.exitCode);
    const shards = [0, 1, 2, 3].map((i) => readReport(shard(i)));
    shards.forEach((s, i) => {
      expect(s.shard, `task ${i}`).toMatchObject({ index: i, count: 4 });
      expect(s.shard!.source, `task ${i}`).toMatch(/^Slurm array \(SLURM_ARRAY_TASK_ID=\d MIN=0 STEP=1 COUNT=4\)$/);
    });
    expect(shards.map((s) => s.shard!.accuracy!.ids.length).reduce((a, b) => a + b)).toBe(12);

    const merged = await cli('report', '--input', ...[0, 1, 2, 3].map(shard), '--json', join(dir, 'merged.json'), '--output', join(dir, 'merged.md'));
    expect(merged.exitCode, merged.stderr).toBe(whole.exitCode);
    const m = readReport(join(dir, 'merged.json'));
    const w = readReport(join(dir, 'whole.json'));
    expect(m.mergedShards).toEqual({ count: 4, found: [0, 1, 2, 3] });
    const dev = (r: Report) => r.backends.find((b) => b.role === 'device')!.accuracy!;
    expect(dev(m).cases.map((c) => c.id)).toEqual(dev(w).cases.map((c) => c.id));
    expect(dev(m).corpus).toEqual(dev(w).corpus);
    expect(dev(m).evidence).toEqual(dev(w).evidence);
    expect(dev(m).groundTruth).toEqual(dev(w).groundTruth);
    expect(comparable(m)).toEqual(comparable(w));
    // five gate runs on two cores (the unsharded one, then four tasks two at a time): minutes on a loaded machine
  }, 1_800_000);

  it('report names a missing shard (INCOMPLETE, exit 1), refuses a case in two shards and a shard of another model (exit 2)', async () => {
    const missing = await cli('report', '--input', shard(0), shard(1), shard(3), '--json', join(dir, 'three.json'), '--output', join(dir, 'three.md'));
    const three = readReport(join(dir, 'three.json'));
    if (three.verdict !== 'fail') {
      expect(missing.exitCode, missing.stderr).toBe(1);
      expect(three.verdict).toBe('incomplete');
    }
    expect(three.verdictReasons[0]!.message).toMatch(/^shard\(s\) 2\/4 missing from the merge: \d+ of 12 cases not checked$/);
    expect(missing.stdout).toMatch(/^incomplete: shard\(s\) 2\/4 missing from the merge: \d+ of 12 cases not checked$/m);

    const s1 = readReport(shard(1));
    const twice = join(dir, 'shard-1-as-2.json');
    writeFileSync(twice, JSON.stringify({ ...s1, shard: { ...s1.shard, index: 2 } }));
    const dup = await cli('report', '--input', shard(1), twice, '--output', join(dir, 'dup.md'));
    expect(dup.exitCode).toBe(2);
    expect(dup.stderr).toMatch(/shard-1-as-2\.json: case \S+ is in two shards \(also .*shard-1\.json\)/);

    const other = join(dir, 'other-model.json');
    writeFileSync(other, JSON.stringify({ ...s1, backends: s1.backends.map((b) => (b.role === 'device' ? { ...b, environment: { ...b.environment, modelSha256: 'f'.repeat(64) } } : b)) }));
    const wrong = await cli('report', '--input', shard(0), other, shard(2), shard(3), '--output', join(dir, 'other.md'));
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/other-model\.json: a shard of another run than .*shard-0\.json: cpu-fp16\.modelSha256 f{64} vs/);
  });
});
