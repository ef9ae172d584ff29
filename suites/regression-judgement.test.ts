import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReport } from '../harness/report/report-file.ts';

/**
 * Issue 21 item 3, with real runs of the small parity model: two identical `eval-perf` runs on a
 * busy machine (a CPU hog on every core, started here) compared with `report --baseline
 * --fail-on-regression` exit 0, and the same run given less CPU exits 1. The slowdown is the
 * scheduler's: the run at `nice -n 10` beside the hog (at the test's own priority) gets about a
 * fifth of the CPU share the identical runs got. Fewer threads is no slowdown on a 2-core machine that is already busy (measured:
 * medians 673 and 627 ms with 2 threads, 500 and 761 ms with 1), so it could not show one.
 * No wall-clock figure is assumed: only the judgement of each pair of runs is checked. Beside the
 * hog both runs are busy, so the busy tolerance applies (2x by default, compare-reports.ts says why:
 * with 10% this test once judged identical runs 1.33x apart, interval 1.23x..1.44x, a regression).
 * Extended project: five eval-perf runs cost minutes on a loaded 2-core machine.
 */
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/asr-parity.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-regression-'));
const RUN = ['eval-perf', '--backend', 'cpu-fp16', '--duration', '2', '--num-runs', '6', '--no-cache'];
const hogs: ChildProcess[] = [];

const evalPerf = async (name: string, prefix: string[] = []) => {
  const out = join(tmp, `${name}.json`);
  const [cmd, ...args] = [...prefix, process.execPath, BIN, ...RUN, '--output', out];
  const r = await execa(cmd!, args, { reject: false, stdin: 'ignore', cwd: ROOT });
  expect(r.exitCode, `${name}: eval-perf failed: ${r.stderr.slice(-2000)}`).toBe(0);
  return out;
};

const compare = async (now: string, before: string) => {
  const r = await execa(process.execPath, [BIN, 'report', '--input', now, '--baseline', before, '--output', join(tmp, 'R.md'), '--fail-on-regression'], { reject: false, stdin: 'ignore', cwd: ROOT });
  return { exitCode: r.exitCode, stdout: r.stdout, judgements: r.stdout.split('\n').filter((l) => l.startsWith('latency:') || l.startsWith('regression:')).join('\n') };
};

describe('latency regressions on a busy machine', () => {
  beforeAll(() => {
    // one busy process per core, for the whole test
    for (let i = 0; i < availableParallelism(); i++) hogs.push(spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
  });
  afterAll(() => {
    for (const h of hogs) h.kill('SIGKILL');
  });

  // three eval-perf runs, the last one slowed down on purpose: minutes on a loaded machine
  it('two identical runs beside a CPU hog are no regression; the same run given less CPU is one', { timeout: 1_500_000 }, async () => {
    const a = await evalPerf('a');
    const b = await evalPerf('b');
    const same = await compare(b, a);
    // the machine was busy, and the reports say so
    expect(readReport(b).backends.some((x) => x.performance?.machine?.busy), 'a run beside a hog on every core is recorded as busy').toBe(true);
    expect(same.exitCode, `identical runs judged a regression:\n${same.judgements}`).toBe(0);
    expect(same.stdout).toMatch(/no regressions/);

    const slow = await evalPerf('slow', ['nice', '-n', '10']);
    const slower = await compare(slow, a);
    expect(slower.exitCode, `the run at nice 10 beside the hog was not judged a regression:\n${slower.judgements}`).toBe(1);
    expect(slower.stdout).toMatch(/regression: cpu-fp16 median warm latency/);
  });
});
