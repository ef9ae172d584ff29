import { describe, expect, it } from 'vitest';
import { readManifest } from '../harness/audio/manifest.ts';
import { measurePerformance } from '../harness/bench/measure-performance.ts';
import { perfAudio } from '../harness/bench/perf-audio.ts';
import { loadConfig } from '../harness/config/load-config.ts';
import { fragmentOf, planBackends } from '../harness/run/plan-backends.ts';
import { recordFragment } from './setup/report-meta.ts';
import { runnable } from './setup/skip-unavailable.ts';

/**
 * Performance is measured and reported, never asserted against a clock: what is checked is
 * that every figure exists, is finite and is consistent. This file runs alone, after the other
 * suites (its own vitest project, later group), so they do not steal its cores.
 */
const config = loadConfig();
const cases = readManifest(config.fixtures);
const plan = await planBackends(config);
const { audioSeconds, shortAudioSeconds, runs } = config.performance;
const [audio, shortAudio] = await perfAudio(cases, [audioSeconds, shortAudioSeconds], config.fixtures);

describe(`performance: ${runs} warm runs on ${audioSeconds} s of audio`, () => {
  for (const p of [plan.baseline, ...plan.devices]) {
    if (!runnable(p)) continue;
    it(`${p.entry.name}: load, first call, warm latency, RTF, memory`, async (ctx) => {
      let r;
      try {
        r = await measurePerformance(p.backend, p.options, { audio, shortAudio, runs });
      } catch (e) {
        recordFragment(ctx, fragmentOf(p, { status: 'failed', reason: (e as Error).message }));
        throw e;
      }
      recordFragment(ctx, fragmentOf(p, { environment: r.environment, performance: r.performance }));
      const { latencyMs: l, samplesMs } = r.performance;
      expect(samplesMs).toHaveLength(runs);
      for (const v of [r.performance.loadMs, r.performance.firstCallMs, l.mean, l.p50, l.p90, l.p99, l.min, l.max, r.performance.rtf, r.performance.rtfx]) {
        expect(Number.isFinite(v) && v > 0, `figure ${v}`).toBe(true);
      }
      expect(l.min).toBeLessThanOrEqual(l.p50);
      expect(l.p50).toBeLessThanOrEqual(l.p90);
      expect(l.p90).toBeLessThanOrEqual(l.p99);
      expect(l.p99).toBeLessThanOrEqual(l.max);
      expect(l.mean).toBeCloseTo(samplesMs.reduce((s, x) => s + x, 0) / runs, 6);
      expect(r.performance.rtf * r.performance.rtfx).toBeCloseTo(1, 9);
      expect(r.performance.memory.hostRssAfterLoadBytes).toBeGreaterThan(0);
      expect(r.performance.memory.hostPeakRssBytes).toBeGreaterThanOrEqual(r.performance.memory.hostRssAfterRunsBytes);
      expect(r.performance.shortAudio.audioSeconds).toBe(shortAudioSeconds);
      expect(r.performance.determinism.runs).toBe(runs + 1);
    });
  }
});
