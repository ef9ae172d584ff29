import { describe, expect, it } from 'vitest';
import { binomialCdf, proportionLower, proportionUpper, rateUpper, trialsNeededAtZero } from './confidence.ts';

describe('confidence bounds', () => {
  it('Clopper-Pearson upper bound: at the bound, seeing k or fewer has probability 1 - confidence', () => {
    for (const [k, n] of [[0, 17], [0, 59], [1, 20], [3, 100], [10, 1000], [25, 60]] as const) {
      const u = proportionUpper(k, n, 0.95);
      expect(u).toBeGreaterThan(k / n);
      expect(binomialCdf(k, n, u)).toBeCloseTo(0.05, 6);
    }
  });

  it('is the rule of three at zero errors, and says how many trials a claim needs', () => {
    expect(proportionUpper(0, 300, 0.95)).toBeCloseTo(1 - 0.05 ** (1 / 300), 12);
    expect(proportionUpper(0, 300, 0.95) * 300).toBeGreaterThan(2.9);
    expect(proportionUpper(0, 300, 0.95) * 300).toBeLessThan(3.1);
    const n = trialsNeededAtZero(0.01, 0.95);
    expect(proportionUpper(0, n, 0.95)).toBeLessThan(0.01);
    expect(proportionUpper(0, n - 1, 0.95)).toBeGreaterThanOrEqual(0.01);
    // 17 cases cannot support an exact-match rate of 99%
    expect(proportionLower(17, 17, 0.95)).toBeLessThan(0.99);
  });

  it('binomial CDF agrees with a direct sum on small numbers', () => {
    const direct = (k: number, n: number, p: number) => {
      let s = 0;
      let c = 1;
      for (let i = 0; i <= k; i++) {
        if (i > 0) c = (c * (n - i + 1)) / i;
        s += c * p ** i * (1 - p) ** (n - i);
      }
      return s;
    };
    for (const [k, n, p] of [[2, 10, 0.3], [0, 5, 0.5], [7, 12, 0.61]] as const) expect(binomialCdf(k, n, p)).toBeCloseTo(direct(k, n, p), 12);
  });

  it('a pooled rate bound is never below the point value nor the zero-error floor, and widens with clustering', () => {
    const zero = rateUpper([{ errors: 0, units: 59 }], 0.95);
    expect(zero.point).toBe(0);
    expect(zero.upper).toBeCloseTo(proportionUpper(0, 59, 0.95), 12);
    // the same 10 errors in 1000 words: spread over many utterances vs all in one
    const spread = rateUpper(Array.from({ length: 100 }, (_, i) => ({ errors: i % 10 === 0 ? 1 : 0, units: 10 })), 0.95);
    const clustered = rateUpper(Array.from({ length: 100 }, (_, i) => ({ errors: i === 0 ? 10 : 0, units: 10 })), 0.95);
    expect(spread.point).toBeCloseTo(0.01, 12);
    expect(clustered.point).toBeCloseTo(0.01, 12);
    expect(clustered.upper).toBeGreaterThan(spread.upper);
    expect(spread.upper).toBeGreaterThanOrEqual(proportionUpper(10, 1000, 0.95));
    // seeded: the same input gives the same bound
    expect(rateUpper([{ errors: 3, units: 20 }, { errors: 0, units: 30 }, { errors: 1, units: 10 }], 0.95).upper).toBe(rateUpper([{ errors: 3, units: 20 }, { errors: 0, units: 30 }, { errors: 1, units: 10 }], 0.95).upper);
  });
});
