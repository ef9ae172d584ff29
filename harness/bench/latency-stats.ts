/** Latency statistics, computed once here from retained samples (ms). */
export interface LatencyStats {
  runs: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  stdev: number;
}

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
  return { runs: s.length, mean, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), min: s[0]!, max: s[s.length - 1]!, stdev: Math.sqrt(variance) };
}
