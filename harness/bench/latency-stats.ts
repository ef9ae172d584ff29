/** Latency statistics, computed once here from retained samples (ms). */
export interface LatencyStats {
  runs: number;
  mean: number;
  p50: number;
  /** null when there are too few runs to tell P90 from the maximum (see MIN_RUNS_FOR). */
  p90: number | null;
  p99: number | null;
  min: number;
  max: number;
  stdev: number;
}

/**
 * Samples a percentile needs before it says more than "the largest sample": the q-th percentile
 * of n samples is only distinct from the maximum when n >= 1 / (1 - q). Below that it is not
 * printed as if it were known.
 */
export const MIN_RUNS_FOR = { p50: 2, p90: 10, p99: 100 } as const;

/** The fewest warm runs a performance run accepts: enough for every percentile but P99. */
export const MIN_PERF_RUNS = MIN_RUNS_FOR.p90;

/** Percentile by linear interpolation between closest ranks (numpy's default). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function latencyStats(samples: readonly number[]): LatencyStats {
  if (samples.length === 0) throw new RangeError('latencyStats needs at least one sample');
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const variance = s.length > 1 ? s.reduce((a, v) => a + (v - mean) ** 2, 0) / (s.length - 1) : 0;
  const known = (p: 90 | 99) => (s.length >= MIN_RUNS_FOR[`p${p}`] ? percentile(s, p) : null);
  return { runs: s.length, mean, p50: percentile(s, 50), p90: known(90), p99: known(99), min: s[0]!, max: s[s.length - 1]!, stdev: Math.sqrt(variance) };
}
