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

  it('binomial CDF at its edges: no events below zero, certainty at n, and p of 0 or 1', () => {
    expect(binomialCdf(-1, 10, 0.5)).toBe(0);
    expect(binomialCdf(10, 10, 0.5)).toBe(1);
    expect(binomialCdf(12, 10, 0.5)).toBe(1);
    // p = 0: no event ever, so at most k events is certain; p = 1: every trial is one
    expect(binomialCdf(0, 10, 0)).toBe(1);
    expect(binomialCdf(9, 10, 1)).toBe(0);
    // a probability, never above 1 even where the terms round up
    for (const n of [3, 30, 300, 3000]) for (const p of [1e-6, 0.01, 0.3]) expect(binomialCdf(n - 1, n, p)).toBeLessThanOrEqual(1);
  });

  it('stays exact across its log-factorial table (256) and the series beyond it', () => {
    // the direct sum in logs, one log per factor: slow, but no table and no series to share a mistake
    const lnFact = (n: number) => {
      let s = 0;
      for (let i = 2; i <= n; i++) s += Math.log(i);
      return s;
    };
    const direct = (k: number, n: number, p: number) => {
      let s = 0;
      for (let i = 0; i <= k; i++) s += Math.exp(lnFact(n) - lnFact(i) - lnFact(n - i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
      return s;
    };
    for (const n of [255, 256, 257, 300, 1000]) {
      const k = Math.round(n * 0.3);
      expect(binomialCdf(k, n, 0.3), `n ${n}`).toBeCloseTo(direct(k, n, 0.3), 11);
      expect(binomialCdf(2, n, 0.002), `n ${n}`).toBeCloseTo(direct(2, n, 0.002), 11);
    }
  });

  it('claims nothing without trials or with every trial an event, and says a zero rate needs infinitely many trials', () => {
    expect(proportionUpper(0, 0, 0.95)).toBe(1);
    expect(proportionUpper(5, 5, 0.95)).toBe(1);
    expect(proportionLower(0, 0, 0.95)).toBe(0);
    expect(trialsNeededAtZero(0, 0.95)).toBe(Number.POSITIVE_INFINITY);
    expect(trialsNeededAtZero(1, 0.95)).toBe(1);
    expect(proportionUpper(0, 1, 0.95)).toBeGreaterThanOrEqual(0.95);
  });

  it('an utterance with no reference words: inserted words make its rate 1, never infinite; nothing measured bounds nothing', () => {
    const onlyInsertions = rateUpper([{ errors: 3, units: 0 }], 0.95);
    expect(onlyInsertions.point).toBe(1);
    expect(onlyInsertions.upper).toBe(1);
    expect(rateUpper([], 0.95)).toMatchObject({ point: 0, upper: 1, errors: 0, units: 0, utterances: 0 });
    // in a resample that draws only the empty utterance, its rate is 1: the bound stays finite, at most 1 here
    const mixed = rateUpper([{ errors: 2, units: 0 }, { errors: 0, units: 10 }], 0.95);
    expect(mixed.point).toBeCloseTo(0.2, 12);
    expect(mixed.upper).toBe(1);
  });

  it('the bootstrap bound is the confidence quantile of the resampled rate', () => {
    // one utterance of 100 holds all 10 errors (10 of its 10 words): a resample's rate is
    // (times it is drawn) x 10 / 1000, and the times it is drawn are Binomial(100, 1/100);
    // so the 95% bound is the 95% quantile of that count, x 1%, well above the pooled floor
    const items = Array.from({ length: 100 }, (_, i) => ({ errors: i === 0 ? 10 : 0, units: 10 }));
    let q = 0;
    while (binomialCdf(q, 100, 0.01) < 0.95) q++;
    const b = rateUpper(items, 0.95);
    expect(b.upper).toBeGreaterThan(proportionUpper(10, 1000, 0.95));
    expect(b.upper).toBeCloseTo(q * 0.01, 12);
    // and at 50%, the median count (1 draw): below the floor, so the floor is the bound
    expect(rateUpper(items, 0.5).upper).toBeCloseTo(proportionUpper(10, 1000, 0.5), 12);
  });

  it('records how the bound was made, and the default is what it records', () => {
    const items = [{ errors: 3, units: 20 }, { errors: 0, units: 30 }, { errors: 1, units: 10 }];
    const b = rateUpper(items, 0.95);
    expect(b).toMatchObject({ confidence: 0.95, errors: 4, units: 60, utterances: 3 });
    expect(b.method).toBe('utterance bootstrap (2000 resamples, seed 1), floored by Clopper-Pearson on 60 units');
    expect(rateUpper(items, 0.95, 2000, 1).upper).toBe(b.upper);
  });
});
