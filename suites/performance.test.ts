import { beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../harness/audio/manifest.ts';
import { perfAudio } from '../harness/bench/perf-audio.ts';
import { loadConfig } from '../harness/config/load-config.ts';
import type { Report } from '../harness/report/report-types.ts';
import { runGate } from '../harness/run/gate-run.ts';
import { planBackends } from '../harness/run/plan-backends.ts';
import { recordReport } from './setup/report-meta.ts';
import { runnable } from './setup/skip-unavailable.ts';

/**
 * Performance, through the same gate run as `asr-parity eval-perf`, is measured and reported,
 * never asserted against a clock: what is checked is that every figure was measured and is
 * consistent with the samples it came from. This file runs alone, after the other suites (its
 * own vitest project, later group), so they do not steal its cores.
 */
const config = loadConfig();
const cases = readManifest(config.fixtures);
const plan = await planBackends(config);
const { audioSeconds, shortAudioSeconds, runs } = config.performance;
const [audio, shortAudio] = await perfAudio(cases, [audioSeconds, shortAudioSeconds], config.fixtures);
let report: Report;

/** P(Binomial(n, q) <= k), summed directly: the test's own, not the harness's. */
function binomCdf(k: number, n: number, q: number): number {
  let c = 1;
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += c * q ** i * (1 - q) ** (n - i);
    c = (c * (n - i)) / (i + 1);
  }
  return sum;
}

describe(`performance: ${runs} warm runs on ${audioSeconds} s of audio`, () => {
  beforeAll(async () => {
    report = await runGate({ config, plan, performance: { audio, shortAudio, runs } });
  });

  for (const p of [plan.baseline, ...plan.devices]) {
    if (!runnable(p)) continue;
    it(`${p.entry.name}: load, first call, warm latency, RTF, memory`, (ctx) => {
      recordReport(ctx, report);
      const b = report.backends.find((x) => x.name === p.entry.name)!;
      expect(b.status, `${p.entry.name} is required and ${b.status === 'failed' ? 'failed' : 'did not run'}: ${b.reason}`).toBe('ran');
      const perf = b.performance!;
      const { latencyMs: l, samplesMs } = perf;
      const sorted = [...samplesMs].sort((a, b) => a - b);
      // tinybench ran and kept exactly the warm runs asked for
      expect(samplesMs).toHaveLength(runs);
      expect(l.runs).toBe(runs);
      // a percentile only with the runs its 95% bound needs (P50 5, P90 29, P99 299); below that null, not a number
      for (const [k, need] of [['p50', 5], ['p90', 29], ['p99', 299]] as const) {
        expect(l[k] === null, `${k} with ${runs} runs`).toBe(runs < need);
        const e = l.intervals[k];
        // the bounds are the order statistics the binomial says (distribution-free): the upper one is the
        // u-th smallest run for the least u with P(Binomial(n, q) <= u - 1) >= 95%, the lower one the
        // l-th for the greatest l with P(Binomial(n, q) <= l - 1) <= 5%; the estimate interpolates the sorted runs
        if (e) {
          const q = { p50: 0.5, p90: 0.9, p99: 0.99 }[k];
          let u = 1;
          while (binomCdf(u - 1, runs, q) < 0.95) u++;
          let lo = 0;
          while (binomCdf(lo, runs, q) <= 0.05) lo++;
          expect(e.upper, `${k} upper bound: the ${u}-th smallest of ${runs} runs`).toBe(sorted[u - 1]);
          expect(e.lower, `${k} lower bound: the ${lo}-th smallest of ${runs} runs`).toBe(lo >= 1 ? sorted[lo - 1] : null);
          const rank = q * (runs - 1);
          expect(e.value, `${k}: interpolated between the sorted runs`).toBeCloseTo(sorted[Math.floor(rank)]! + (sorted[Math.ceil(rank)]! - sorted[Math.floor(rank)]!) * (rank % 1), 9);
        }
      }
      // every figure follows from the warm samples, kept in run order
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(l.mean, 'mean of samplesMs').toBeCloseTo(avg(samplesMs), 9);
      expect([l.min, l.max]).toEqual([sorted[0], sorted[runs - 1]]);
      expect(perf.rtf, 'RTF = mean / audio seconds').toBeCloseTo(l.mean / 1000 / perf.audioSeconds, 12);
      expect(perf.rtfx, 'RTFx = audio seconds / mean').toBeCloseTo(perf.audioSeconds / (l.mean / 1000), 9);
      const third = Math.floor(runs / 3);
      if (third >= 2) expect(l.drift, 'drift from samplesMs in run order').toBeCloseTo(avg(samplesMs.slice(-third)) / avg(samplesMs.slice(0, third)) - 1, 12);
      expect(perf.machine, 'the machine\'s state is recorded with the figures').toBeDefined();
      expect(perf.cpuMsPerRun).toHaveLength(runs);
      if (config.isolation.enabled) {
        // measured from outside the backend's process: its peak from /proc is at least what it said it held after loading,
        // and the times it reported fit in the wall time around its whole measurement
        const o = perf.outside!;
        expect(o.processMemory!.peakRssBytes, 'VmHWM of the backend process, read from outside').toBeGreaterThanOrEqual(perf.memory.hostRssAfterLoadBytes);
        expect(o.measurementWallMs!).toBeGreaterThanOrEqual(perf.firstCallMs + perf.shortAudio.latencyMs + samplesMs.reduce((a, b) => a + b, 0));
        expect(o.disagreements).toEqual([]);
      }
      expect(l.min).toBeGreaterThan(0);
      expect(perf.audioSeconds).toBeCloseTo(audioSeconds, 3);
      for (const v of [perf.loadMs, perf.firstCallMs, perf.shortAudio.latencyMs]) expect(Number.isFinite(v) && v > 0, `figure ${v}`).toBe(true);
      expect(perf.shortAudio.audioSeconds).toBeCloseTo(shortAudioSeconds, 3);
      // the model's weights are in the measured process: loading it grew that process
      expect(perf.memory.hostRssAfterLoadBytes).toBeGreaterThan(perf.memory.hostRssBeforeLoadBytes);
      // measured in the backend's own process when isolation is on (the default)
      expect(b.environment?.isolated ?? false).toBe(config.isolation.enabled);
      expect(perf.memory.hostPeakRssBytes).toBeGreaterThanOrEqual(perf.memory.hostRssAfterRunsBytes);
      // the first call and every warm run were compared: one output means deterministic
      expect(perf.determinism.runs).toBe(runs + 1);
      expect(perf.determinism.deterministic).toBe(true);
      // what was timed is what the accuracy path gives for the same audio: every timed call, the short clip too
      expect(perf.underLoad, JSON.stringify(perf.underLoad?.differences)).toMatchObject({ reference: 'untimed run', calls: runs + 2, matching: runs + 2, passed: true });
    });
  }
});
