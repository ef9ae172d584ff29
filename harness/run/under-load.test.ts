import { describe, expect, it } from 'vitest';
import { backends } from '../../backends/index.ts';
import type { Backend } from '../../backends/types.ts';
import { readManifest } from '../audio/manifest.ts';
import { perfAudio } from '../bench/perf-audio.ts';
import { loadConfig, type Config } from '../config/load-config.ts';
import type { BackendReport } from '../report/report-types.ts';
import { runGate } from './gate-run.ts';
import { planBackend, type GatePlan, type PlannedBackend } from './plan-backends.ts';

/**
 * Accuracy under performance load (MLPerf TEST01): what is timed must be what is checked. A
 * backend with a "fast path" for audio it has already heard (real whisper.cpp, but on the second
 * half of the audio only: a shortcut that a benchmark's repeated input triggers, and a one-pass
 * accuracy run never does) passes the accuracy gate and fails the
 * under-load check; the honest baseline beside it passes both (as every backend of the performance suite does).
 */
const base = loadConfig();
// in-process: the fast path is a backend object of this test, not a module a child process could load
const config: Config = { ...base, isolation: { ...base.isolation, enabled: false }, thresholds: { ...base.thresholds, evidence: 'point' } };
const all = readManifest(base.fixtures);
const cases = all.filter((c) => ['speech-01', 'speech-02'].includes(c.id));
// short clips keep the timed runs cheap; what is compared does not depend on their length
const [audio, shortAudio] = await perfAudio(all, [6, 3], base.fixtures);
const runs = 5;

function fastPathAfterRepeat(b: Backend): Backend {
  return {
    ...b,
    async load(o) {
      const l = await b.load(o);
      const heard = new Set<string>();
      return {
        ...l,
        async transcribe(a) {
          const key = `${a.samples.length}:${a.samples[a.samples.length >> 1]}`;
          const again = heard.has(key);
          heard.add(key);
          // a stale read offset into a reused buffer: only the second half is decoded
          return l.transcribe(again ? { ...a, samples: a.samples.subarray(a.samples.length >> 1), duration: a.duration / 2 } : a);
        },
      };
    },
  };
}

/** The honest baseline, and cpu-fp16 with the fast path. */
async function plan(): Promise<GatePlan> {
  const fp16 = await planBackend({ name: 'cpu-fp16', backend: 'cpu-fp16' }, 'device', 'test');
  const fast: PlannedBackend = { ...fp16, entry: { name: 'fast-path', backend: 'cpu-fp16' }, backend: fastPathAfterRepeat(backends['cpu-fp16']!), module: undefined }; // in memory: runs in this process, not loaded from its file
  return { baseline: await planBackend({ name: 'cpu-fp32', backend: 'cpu-fp32' }, 'baseline', 'test'), devices: [fast] };
}

const of = (r: { backends: BackendReport[] }, name: string) => r.backends.find((b) => b.name === name)!;

describe('timed transcripts must equal the checked ones', () => {
  it('performance only: against one untimed transcription; the fast path fails the gate, the honest baseline passes', async () => {
    const r = await runGate({ config, plan: await plan(), performance: { audio, shortAudio, runs } });
    expect(of(r, 'cpu-fp32').performance!.underLoad).toEqual({ reference: 'untimed run', calls: runs + 2, matching: runs + 2, passed: true, differences: [] });
    const u = of(r, 'fast-path').performance!.underLoad!;
    // the first call and the short clip are first hearings; every warm run repeats the audio
    expect(u).toMatchObject({ reference: 'untimed run', calls: runs + 2, matching: 2, passed: false });
    expect(u.differences[0]!.call).toBe('warm run 1');
    expect(u.differences[0]!.text).not.toBe(u.differences[0]!.referenceText);
    expect(r.verdict).toBe('fail');
    expect(r.verdictReasons.map((x) => x.message)).toContainEqual(expect.stringMatching(/^fast-path: under performance load, 5 of 7 timed transcripts differ from the untimed run's for the same audio \(warm run 1: /));
    expect(r.verdictReasons.filter((x) => x.kind === 'under-load')).toMatchObject([{ backend: 'fast-path', observed: 2, limit: 7 }]);
  });

  it('both checks: against the accuracy run, which the fast path passes', async () => {
    const r = await runGate({ config, plan: await plan(), accuracy: { cases }, performance: { audio, shortAudio, runs } });
    const fast = of(r, 'fast-path');
    expect(fast.accuracy!.passed, fast.accuracy!.failures.map((f) => f.message).join('; ')).toBe(true);
    expect(fast.performance!.underLoad).toMatchObject({ reference: 'accuracy run', matching: 2, passed: false });
    expect(of(r, 'cpu-fp32').performance!.underLoad).toMatchObject({ reference: 'accuracy run', passed: true });
    expect(r.verdict).toBe('fail');
    expect(r.verdictReasons.map((x) => x.message)).toContainEqual(expect.stringMatching(/^fast-path: under performance load, 5 of 7 timed transcripts differ from the accuracy run's/));
  });
});
