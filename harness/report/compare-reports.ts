import { median } from '../bench/child-time.ts';
import { judgeShift, latencyShift } from '../bench/latency-shift.ts';
import { BUSY_LATENCY_TOLERANCE } from '../bench/latency-stats.ts';
import type { LatencyComparison, Regression, Report } from './report-types.ts';


/**
 * Latency since `before`, backend by backend: the warm runs' samples of both reports compared
 * with the rank test's interval, a regression only when the whole interval of after/before lies
 * beyond 1 + tolerance (busyLatencyTolerance where either run was busy). A point comparison of
 * means flagged noise (two identical runs on a busy machine: "+24% mean"), and a first call is
 * one sample: it is shown, never judged.
 */
export function compareLatency(before: Report, after: Report, latencyTolerance: number, busyLatencyTolerance = BUSY_LATENCY_TOLERANCE): LatencyComparison[] {
  const out: LatencyComparison[] = [];
  for (const a of after.backends) {
    const b = before.backends.find((x) => x.name === a.name);
    const pa = a.performance;
    const pb = b?.performance;
    if (!pa || !pb) continue;
    const busyMachine = (['before', 'after'] as const).filter((w) => (w === 'before' ? pb : pa).machine?.busy);
    const s = latencyShift(pb.samplesMs, pa.samplesMs);
    const tolerance = busyMachine.length ? Math.max(latencyTolerance, busyLatencyTolerance) : latencyTolerance;
    out.push({ backend: a.name, metric: 'warm latency', beforeMs: median(pb.samplesMs), afterMs: median(pa.samplesMs), ...s, tolerance, judgement: judgeShift(s, tolerance), busyMachine });
    out.push({ backend: a.name, metric: 'first call', beforeMs: pb.firstCallMs, afterMs: pa.firstCallMs, ratio: pa.firstCallMs / pb.firstCallMs, lower: null, upper: null, confidence: s.confidence, runsBefore: 1, runsAfter: 1, judgement: 'not judged (one sample)', busyMachine });
  }
  return out;
}

/**
 * What got worse since `before`, backend by backend (matched by name). Accuracy figures are
 * exact, so any increase counts; latency counts only where compareLatency judges a regression
 * (the interval of the slowdown beyond `latencyTolerance`, a fraction: 0.1 = 10%; beyond
 * `busyLatencyTolerance` where either run was on a busy machine).
 */
export function findRegressions(before: Report, after: Report, latencyTolerance: number, busyLatencyTolerance = BUSY_LATENCY_TOLERANCE): Regression[] {
  const out: Regression[] = [];
  for (const a of after.backends) {
    const b = before.backends.find((x) => x.name === a.name);
    if (!b) continue;
    const worse = (metric: string, old: number | null | undefined, now: number | null | undefined, higherIsWorse: boolean) => {
      // a figure missing on either side (too few runs for a percentile) is not compared
      if (old === undefined || now === undefined || old === null || now === null) return;
      const bad = higherIsWorse ? now > old + 1e-12 : now < old - 1e-12;
      if (bad) out.push({ backend: a.name, metric, before: old, after: now, unit: 'fraction' });
    };
    worse('corpus WER', b.accuracy?.corpus.wer, a.accuracy?.corpus.wer, true);
    worse('corpus CER', b.accuracy?.corpus.cer, a.accuracy?.corpus.cer, true);
    worse('exact-match rate', b.accuracy?.corpus.exactMatchRate, a.accuracy?.corpus.exactMatchRate, false);
    const tp = (r: Report['backends'][number]) => (r.accuracy?.tokenParity.available ? r.accuracy.tokenParity.decisiveTop1Agreement : undefined);
    worse('teacher-forced decisive top-1 agreement', tp(b), tp(a), false);
  }
  for (const c of compareLatency(before, after, latencyTolerance, busyLatencyTolerance)) if (c.judgement === 'regression') out.push({ backend: c.backend, metric: 'median warm latency (ms)', before: c.beforeMs, after: c.afterMs, unit: 'ms', interval: { lower: c.lower!, upper: c.upper!, confidence: c.confidence } });
  return out;
}
