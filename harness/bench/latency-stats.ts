import { binomialCdf } from '../score/confidence.ts';
import { Type, type Static } from '@sinclair/typebox';
import { OneOf, OrNull } from '../io/schema-types.ts';

/**
 * Latency statistics from warm-run samples (ms, in run order). A percentile is reported only
 * with the samples it needs: its distribution-free confidence bound (from order statistics, no
 * assumption about the distribution) must be an observed sample. Below that it is null, and
 * the report says how many runs it needs, instead of printing the largest sample as "P99".
 */
export const PERCENTILE_CONFIDENCE = 0.95;

export type PercentileName = 'p50' | 'p90' | 'p99';
const Q: Record<PercentileName, number> = { p50: 0.5, p90: 0.9, p99: 0.99 };

/** Runs needed before the one-sided upper bound of the q-quantile is an observed sample: 1 - q^n >= confidence. */
export function runsNeeded(q: number, confidence = PERCENTILE_CONFIDENCE): number {
  return Math.ceil(Math.log(1 - confidence) / Math.log(q) - 1e-9);
}

export const MIN_RUNS_FOR: Record<PercentileName, number> = { p50: runsNeeded(0.5), p90: runsNeeded(0.9), p99: runsNeeded(0.99) };

/** The fewest warm runs a performance run accepts: enough for P50; P90 and P99 need more and say so. */
export const MIN_PERF_RUNS = MIN_RUNS_FOR.p50;

/** A percentile with its distribution-free interval: `upper` is a one-sided bound at the confidence level, `lower` likewise where the samples allow one. */
const MS = Type.Number({ minimum: 0 });
const MS_OR_NULL = OneOf([MS, Type.Null()]);
const PERCENTILE_ESTIMATE = Type.Object({ value: MS, lower: MS_OR_NULL, upper: MS }, { additionalProperties: false });
export type PercentileEstimate = Static<typeof PERCENTILE_ESTIMATE>;
const INTERVAL = OneOf([Type.Null(), PERCENTILE_ESTIMATE]);

/** The warm runs' latency statistics, declared once: its type is derived here, and the report's schema holds it as it is (report-schema.ts). */
export const LATENCY_STATS = Type.Object(
  {
    runs: Type.Integer({ minimum: 1 }),
    mean: MS,
    // null: too few runs (see MIN_RUNS_FOR)
    p50: OneOf([MS, Type.Null()], { description: 'null: too few runs for its confidence bound to be an observed run (5)' }),
    p90: OneOf([MS, Type.Null()], { description: 'null: too few runs (29)' }),
    p99: OneOf([MS, Type.Null()], { description: 'null: too few runs (299)' }),
    min: MS,
    max: MS,
    stdev: MS,
    /** Each percentile's interval at `confidence`; null where p50/p90/p99 is. */
    intervals: Type.Object({ p50: INTERVAL, p90: INTERVAL, p99: INTERVAL }, { additionalProperties: false, description: 'distribution-free bounds from order statistics at `confidence`' }),
    confidence: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
    /** Mean of the last third of the runs over the first third, minus 1: warm-up or thermal drift shows here. null below 6 runs. */
    drift: OrNull(Type.Number({ description: 'mean of the last third of the runs over the first third, minus 1' })),
  },
  { additionalProperties: false },
);
export type LatencyStats = Static<typeof LATENCY_STATS>;

/** Percentile by linear interpolation between closest ranks (numpy's default). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/**
 * Order-statistic bounds of the q-quantile: the upper bound is the u-th smallest sample for the
 * least u with P(Binomial(n, q) <= u - 1) >= confidence; the lower bound the l-th for the
 * greatest l with P(Binomial(n, q) <= l - 1) <= 1 - confidence.
 */
export function percentileEstimate(sorted: readonly number[], q: number, confidence = PERCENTILE_CONFIDENCE): PercentileEstimate | null {
  const n = sorted.length;
  let u = 1;
  while (u <= n && binomialCdf(u - 1, n, q) < confidence) u++;
  if (u > n) return null;
  let l = 0;
  while (l + 1 <= n && binomialCdf(l, n, q) <= 1 - confidence) l++;
  return { value: percentile(sorted, 100 * q), lower: l >= 1 ? sorted[l - 1]! : null, upper: sorted[u - 1]! };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function latencyStats(samples: readonly number[], confidence = PERCENTILE_CONFIDENCE): LatencyStats {
  if (samples.length === 0) throw new RangeError('latencyStats needs at least one sample');
  const s = [...samples].sort((a, b) => a - b);
  const m = mean(s);
  const variance = s.length > 1 ? s.reduce((a, v) => a + (v - m) ** 2, 0) / (s.length - 1) : 0;
  const intervals = { p50: percentileEstimate(s, Q.p50, confidence), p90: percentileEstimate(s, Q.p90, confidence), p99: percentileEstimate(s, Q.p99, confidence) };
  const third = Math.floor(samples.length / 3);
  return {
    runs: s.length,
    mean: m,
    stdev: Math.sqrt(variance),
    min: s[0]!,
    max: s[s.length - 1]!,
    p50: intervals.p50?.value ?? null,
    p90: intervals.p90?.value ?? null,
    p99: intervals.p99?.value ?? null,
    intervals,
    confidence,
    drift: third >= 2 ? mean(samples.slice(-third)) / mean(samples.slice(0, third)) - 1 : null,
  };
}

/**
 * The tolerance where either run was measured on a busy machine: a slowdown counts only when its
 * whole interval lies beyond 1 + this (2x). A run's warm samples are taken minutes apart from the
 * other run's, and on a busy machine what the scheduler gives a process moves between runs more
 * than within one: the rank test's interval is built from the spread within runs and cannot see
 * that. Measured on this project's 2-core machine, cpu-fp16 and cpu-fp32 eval-perf runs (6 warm
 * runs each) with a CPU hog on each core: identical runs differed by medians of 0.69x to 1.54x,
 * with lower interval bounds up to 1.23x (so a 10% tolerance called them regressions), while the
 * same run given less CPU (nice 10 beside the hogs) was 9x to 13x slower, lower bounds 6.4x and up.
 */
export const BUSY_LATENCY_TOLERANCE = 1;
