import { describe, expect, it } from 'vitest';
import { binomialCdf } from '../score/confidence.ts';
import { latencyStats, MIN_RUNS_FOR, percentileEstimate } from './latency-stats.ts';

const runs = (n: number) => Array.from({ length: n }, (_, i) => 100 + ((i * 37) % n));

describe('latency percentiles with the samples they need', () => {
  it('needs 5, 29 and 299 runs for P50, P90 and P99 at 95% (the bound must be an observed run)', () => {
    expect(MIN_RUNS_FOR).toEqual({ p50: 5, p90: 29, p99: 299 });
    for (const [q, need] of [[0.5, 5], [0.9, 29], [0.99, 299]] as const) {
      expect(1 - q ** need).toBeGreaterThanOrEqual(0.95);
      expect(1 - q ** (need - 1)).toBeLessThan(0.95);
    }
  });

  it('reports null below that, and a bound that is an order statistic with the right coverage above it', () => {
    const few = latencyStats(runs(10));
    expect(few.p50).not.toBeNull();
    expect(few.p90).toBeNull();
    expect(few.p99).toBeNull();
    const s = runs(200);
    const sorted = [...s].sort((a, b) => a - b);
    const e = percentileEstimate(sorted, 0.9)!;
    const u = sorted.indexOf(e.upper) + 1;
    // the least order statistic whose coverage reaches 95%
    expect(binomialCdf(u - 1, 200, 0.9)).toBeGreaterThanOrEqual(0.95);
    expect(binomialCdf(u - 2, 200, 0.9)).toBeLessThan(0.95);
    const l = sorted.indexOf(e.lower!) + 1;
    expect(binomialCdf(l - 1, 200, 0.9)).toBeLessThanOrEqual(0.05);
    expect(binomialCdf(l, 200, 0.9)).toBeGreaterThan(0.05);
  });

  it('keeps run order for drift: a slowing run shows positive drift, a steady one none', () => {
    expect(latencyStats([100, 100, 100, 100, 100, 100]).drift).toBe(0);
    expect(latencyStats([100, 100, 110, 110, 120, 120]).drift).toBeCloseTo(0.2, 12);
    expect(latencyStats([100, 100, 100, 100, 100]).drift).toBeNull();
  });
});
