import { describe, expect, it } from 'vitest';
import type { CapturedTensor } from '../../backends/types.ts';
import { compareTensors, firstFailing, ruleFailures, tensorMetrics, type TensorMetrics } from './tensor-compare.ts';

// msprobe's default rule, as config.schema.json's localization defaults give it
const RULE = { minCosine: 0.99, maxAbsError: 1e-3, hardMinCosine: 0.9, hardMaxAbsError: 1 };
const f = (...x: number[]) => Float32Array.from(x);
const metrics = (m: Partial<TensorMetrics>): TensorMetrics => ({ cosine: 1, maxAbsError: 0, maxRelError: 0, relativeRmse: 0, nonFinite: { baseline: 0, device: 0 }, ...m });

describe('tensor metrics', () => {
  it('orthogonal vectors: cosine 0; a vector against itself: cosine 1, no error', () => {
    expect(tensorMetrics(f(1, 0), f(0, 1)).cosine).toBe(0);
    expect(tensorMetrics(f(3, -4), f(3, -4))).toEqual(metrics({}));
  });

  it('a tensor scaled by 2: cosine 1, relative RMSE 1, max abs error the largest value, max rel error 1', () => {
    const m = tensorMetrics(f(1, -2, 3), f(2, -4, 6));
    expect(m.cosine).toBeCloseTo(1, 12);
    expect(m.relativeRmse).toBeCloseTo(1, 12);
    expect(m.maxAbsError).toBe(3);
    expect(m.maxRelError).toBe(1);
  });

  it('opposite signs: cosine -1, relative RMSE 2', () => {
    const m = tensorMetrics(f(1, 2), f(-1, -2));
    expect(m.cosine).toBeCloseTo(-1, 12);
    expect(m.relativeRmse).toBeCloseTo(2, 12);
  });

  it('NaN and Inf are counted per side and left out of the other figures', () => {
    const m = tensorMetrics(f(1, 2, 3), f(1, NaN, Infinity));
    expect(m.nonFinite).toEqual({ baseline: 0, device: 2 });
    expect(m.maxAbsError).toBe(0);
  });

  it('zero against zero agrees; zero against a value does not', () => {
    expect(tensorMetrics(f(0, 0), f(0, 0))).toMatchObject({ cosine: 1, relativeRmse: 0 });
    expect(tensorMetrics(f(0, 0), f(0, 1))).toMatchObject({ cosine: 0, relativeRmse: Infinity });
  });

  it('refuses tensors of different lengths', () => expect(() => tensorMetrics(f(1), f(1, 2))).toThrow(/1 baseline values against 2/));
});

describe("msprobe's default rule", () => {
  it('passes a close tensor, and one whose cosine is low but whose error is tiny', () => {
    expect(ruleFailures(metrics({ cosine: 0.9999, maxAbsError: 0.5 }), RULE)).toEqual([]);
    expect(ruleFailures(metrics({ cosine: 0.95, maxAbsError: 1e-4 }), RULE)).toEqual([]);
  });
  it('fails cosine < 0.99 with max abs error > 1e-3', () => expect(ruleFailures(metrics({ cosine: 0.98, maxAbsError: 2e-3 }), RULE)).toEqual([expect.stringMatching(/cosine 0.98.* < 0.99 with max abs error/)]));
  it('fails cosine < 0.9 whatever the error', () => expect(ruleFailures(metrics({ cosine: 0.85, maxAbsError: 1e-6 }), RULE)).toEqual([expect.stringMatching(/cosine 0.85.* < 0.9$/)]));
  it('fails max abs error > 1 whatever the cosine', () => expect(ruleFailures(metrics({ cosine: 1, maxAbsError: 1.5 }), RULE)).toEqual([expect.stringMatching(/max abs error 1.5.* > 1$/)]));
  it('fails any NaN/Inf', () => expect(ruleFailures(metrics({ nonFinite: { baseline: 0, device: 1 } }), RULE)).toEqual([expect.stringMatching(/NaN\/Inf/)]));
  it('is configurable: a looser hard limit passes what the default fails', () => expect(ruleFailures(metrics({ maxAbsError: 1.5 }), { ...RULE, hardMaxAbsError: 2 })).toEqual([]));
});

const t = (name: string, values: number[], step?: number): CapturedTensor => ({ name, ...(step === undefined ? {} : { step }), shape: [values.length], dtype: 'float32', stats: { mean: 0, std: 0, min: 0, max: 0, absMax: 0, nan: 0, inf: 0 }, values: Float32Array.from(values) });

describe('the per-tensor table and the first failing tensor', () => {
  const base = [t('a', [1, 2, 3]), t('b', [1, 1, 1]), t('c', [5, 5, 5], 0)];

  it('names the first tensor in forward order that fails, not a later, larger one', () => {
    const dev = [t('a', [1, 2, 3]), t('b', [1, 1, 3]), t('c', [50, 5, 5], 0)];
    const rows = compareTensors(base, dev, RULE);
    expect(rows.map((r) => r.verdict)).toEqual(['pass', 'fail', 'fail']);
    expect(firstFailing(rows)).toMatchObject({ name: 'b' });
  });

  it('matches tensors by name and step, and says which the device lacks or shapes differently', () => {
    const rows = compareTensors(base, [t('a', [1, 2]), t('c', [5, 5, 5], 1)], RULE);
    expect(rows.map((r) => r.verdict)).toEqual(['shape', 'missing', 'missing']);
    expect(firstFailing(rows)).toMatchObject({ name: 'a', verdict: 'shape' });
  });

  it('a failing tensor within floorFactor of the noise floor is not the first failing one; beyond it, it is', () => {
    const dev = [t('a', [1, 2, 3]), t('b', [1, 1, 1.5]), t('c', [5, 5, 8], 0)];
    // the floor errs on b as much as the device does, on c not at all
    const floor = [t('a', [1, 2, 3]), t('b', [1, 1, 1.5]), t('c', [5, 5, 5], 0)];
    const rows = compareTensors(base, dev, RULE, { tensors: floor, factor: 2 });
    expect(rows[1]).toMatchObject({ verdict: 'fail', withinFloor: true });
    expect(rows[2]).toMatchObject({ verdict: 'fail', withinFloor: false, floorRelativeRmse: 0 });
    expect(firstFailing(rows)).toMatchObject({ name: 'c', step: 0 });
  });

  it('NaN on the device is never within the floor', () => {
    const rows = compareTensors([t('a', [1, 2])], [t('a', [1, NaN])], RULE, { tensors: [t('a', [1, NaN])], factor: 2 });
    expect(rows[0]).toMatchObject({ verdict: 'fail', withinFloor: false });
  });
});
