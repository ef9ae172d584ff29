import { MIN_RUNS_FOR, type LatencyStats, type PercentileName } from '../bench/latency-stats.ts';

/** A percentile as text: the value with its distribution-free interval, or how many runs it needs. */
export function formatPercentile(l: LatencyStats, name: PercentileName): string {
  const e = l.intervals[name];
  if (!e) return `needs ${MIN_RUNS_FOR[name]} runs (has ${l.runs})`;
  const pc = Math.round(100 * l.confidence);
  return `${e.value.toFixed(1)} ms (${pc}% bounds ${e.lower === null ? '-' : e.lower.toFixed(1)}..${e.upper.toFixed(1)})`;
}

/** Drift between the first and the last third of the runs, as text. */
export function formatDrift(l: LatencyStats): string {
  return l.drift === null ? `needs 6 runs (has ${l.runs})` : `${l.drift >= 0 ? '+' : ''}${(100 * l.drift).toFixed(1)}% (last third vs first third of the runs)`;
}
