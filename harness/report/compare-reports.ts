import type { Regression, Report } from './report-types.ts';

/**
 * What got worse since `before`, backend by backend (matched by name). Accuracy figures are
 * exact, so any increase counts; latency is noisy, so it must grow by more than `latencyTolerance`
 * (a fraction: 0.1 = 10%) to count.
 */
export function findRegressions(before: Report, after: Report, latencyTolerance: number): Regression[] {
  const out: Regression[] = [];
  for (const a of after.backends) {
    const b = before.backends.find((x) => x.name === a.name);
    if (!b) continue;
    const worse = (metric: string, old: number | null | undefined, now: number | null | undefined, higherIsWorse: boolean, tolerance = 0, unit: Regression['unit'] = 'fraction') => {
      // a figure missing on either side (too few runs for a percentile) is not compared
      if (old === undefined || now === undefined || old === null || now === null) return;
      const bad = higherIsWorse ? now > old * (1 + tolerance) + 1e-12 : now < old - 1e-12;
      if (bad) out.push({ backend: a.name, metric, before: old, after: now, unit });
    };
    worse('corpus WER', b.accuracy?.corpus.wer, a.accuracy?.corpus.wer, true);
    worse('corpus CER', b.accuracy?.corpus.cer, a.accuracy?.corpus.cer, true);
    worse('exact-match rate', b.accuracy?.corpus.exactMatchRate, a.accuracy?.corpus.exactMatchRate, false);
    const tp = (r: Report['backends'][number]) => (r.accuracy?.tokenParity.available ? r.accuracy.tokenParity.decisiveTop1Agreement : undefined);
    worse('teacher-forced decisive top-1 agreement', tp(b), tp(a), false);
    for (const k of ['mean', 'p50', 'p90', 'p99'] as const) worse(`${k} latency (ms)`, b.performance?.latencyMs[k], a.performance?.latencyMs[k], true, latencyTolerance, 'ms');
    worse('first call (ms)', b.performance?.firstCallMs, a.performance?.firstCallMs, true, latencyTolerance, 'ms');
  }
  return out;
}
