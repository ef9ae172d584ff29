import { describe, expect, it } from 'vitest';
import { binomialCdf } from '../score/confidence.ts';
import { latencyStats, MIN_RUNS_FOR, percentile, percentileEstimate, runsNeeded, type PercentileName } from './latency-stats.ts';

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

  it('keeps run order for drift the other way too: a run that speeds up shows negative drift', () => {
    expect(latencyStats([120, 120, 110, 110, 100, 100]).drift).toBeCloseTo(100 / 120 - 1, 12);
  });

  it('counts the runs a percentile needs exactly, where the confidence is met with equality too', () => {
    // 1 - 0.5^2 is exactly 0.75: two runs suffice, one does not
    expect(runsNeeded(0.5, 0.75)).toBe(2);
    for (const [q, c] of [[0.5, 0.75], [0.5, 0.875], [0.5, 0.95], [0.9, 0.9], [0.9, 0.95], [0.99, 0.95]] as const) {
      const n = runsNeeded(q, c);
      expect(1 - q ** n, `q ${q}, confidence ${c}`).toBeGreaterThanOrEqual(c);
      expect(1 - q ** (n - 1), `q ${q}, confidence ${c}`).toBeLessThan(c);
    }
  });

  it('reports each percentile from exactly the runs it needs, with the largest run as its bound there, and none a run earlier', () => {
    for (const name of ['p50', 'p90', 'p99'] as PercentileName[]) {
      const need = MIN_RUNS_FOR[name];
      expect(latencyStats(runs(need - 1))[name], `${name} from ${need - 1} runs`).toBeNull();
      expect(latencyStats(runs(need - 1)).intervals[name]).toBeNull();
      const s = latencyStats(runs(need));
      expect(s[name], `${name} from ${need} runs`).not.toBeNull();
      expect(s.intervals[name]!.upper).toBe(s.max);
    }
    // at the fewest runs for P50, the lower bound is already an observed run: the smallest
    expect(latencyStats(runs(MIN_RUNS_FOR.p50)).intervals.p50!.lower).toBe(100);
  });

  it('gives both bounds where the coverage is met with equality (2 runs bound the median at 75%: 1 - 0.5^2 = 0.75)', () => {
    expect(runsNeeded(0.5, 0.75)).toBe(2);
    const s = latencyStats([130, 110], 0.75);
    expect(s.intervals.p50).toEqual({ value: 120, lower: 110, upper: 130 });
  });

  it('gives a lower bound only where the runs support one: null, never a made-up sample', () => {
    // the 10th percentile's lower bound needs 0.9^n <= 5%: 29 runs, not 28 (the upper bound needs far fewer)
    const at = (n: number) => percentileEstimate([...runs(n)].sort((a, b) => a - b), 0.1)!;
    expect(at(28).lower).toBeNull();
    expect(at(28).upper).not.toBeNull();
    expect(at(29).lower).toBe(100);
  });

  it('uses the confidence it is given, and records it', () => {
    const need = runsNeeded(0.9, 0.9);
    expect(need).toBeLessThan(MIN_RUNS_FOR.p90);
    const s = latencyStats(runs(need), 0.9);
    expect(s.confidence).toBe(0.9);
    expect(s.p90).not.toBeNull();
    expect(latencyStats(runs(need)).p90).toBeNull();
  });
});

describe('latency summary figures', () => {
  it('mean, sample standard deviation, min and max, whatever the run order and however many digits', () => {
    // the textbook set 2,4,4,4,5,5,7,9 (x100, shuffled): mean 5, squared deviations summing to 32,
    // so the sample (n - 1) standard deviation is sqrt(32/7)
    const t = latencyStats([700, 400, 900, 200, 500, 400, 400, 500]);
    expect(t.mean).toBe(500);
    expect(t.stdev).toBeCloseTo(100 * Math.sqrt(32 / 7), 9);
    expect(t.min).toBe(200);
    expect(t.max).toBe(900);
    const digits = latencyStats([95, 1000, 120, 99, 101]);
    expect([digits.min, digits.max]).toEqual([95, 1000]);
    expect(digits.p50).toBe(101);
  });

  it('one run has no spread (0, not NaN) and no percentile; no run is an error', () => {
    const one = latencyStats([250]);
    expect(one).toMatchObject({ runs: 1, mean: 250, stdev: 0, min: 250, max: 250, p50: null, drift: null });
    expect(() => latencyStats([])).toThrow(new RangeError('latencyStats needs at least one sample'));
  });

  it('interpolates percentiles between closest ranks as numpy does by default', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 90)).toBeCloseTo(46, 12);
    expect(percentile([10, 20, 30, 40, 50], 0)).toBe(10);
    expect(percentile([10, 20, 30, 40, 50], 100)).toBe(50);
    expect(percentile([], 50)).toBeNaN();
  });
});
