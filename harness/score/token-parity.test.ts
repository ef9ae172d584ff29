import { describe, expect, it } from 'vitest';
import { compareCase, compareStep, firstTokenDifference, summarizeTokenParity } from './token-parity.ts';

const logits = (...v: number[]) => Float32Array.from(v);

describe('teacher-forced token parity', () => {
  it('measures margin, errors and cosine of one step', () => {
    const s = compareStep(logits(1, 5, 3, -2), logits(1, 5.5, 3, -2));
    expect(s).toMatchObject({ baselineTop1: 1, deviceTop1: 1, margin: 2 });
    expect(s.maxAbsError).toBeCloseTo(0.5);
    expect(s.relError).toBeCloseTo(0.1);
    expect(s.cosine).toBeGreaterThan(0.99);
    expect(s.cosine).toBeLessThan(1);
  });

  it('refuses vectors of different vocabularies', () => {
    expect(() => compareStep(logits(1, 2), logits(1, 2, 3))).toThrow(/vocabularies differ/);
  });

  it('finds the first differing token, including a sequence that stops early', () => {
    expect(firstTokenDifference([1, 2, 3], [1, 2, 3])).toBeNull();
    expect(firstTokenDifference([1, 2, 3], [1, 9, 3])).toBe(1);
    expect(firstTokenDifference([1, 2, 3], [1, 2])).toBe(2);
  });

  it('attributes a divergence at a near-tie to the near-tie, and a confident flip to a numerical fault', () => {
    // step 0 decisive and agreed; step 1 a near-tie (margin 0.1) that the device tips the other way
    const base = [logits(9, 0, 0), logits(0, 3.1, 3.0)];
    const dev = [logits(9, 0, 0), logits(0, 3.0, 3.1)];
    const tie = compareCase('a', base, dev, [0, 1], [0, 2], 0.5);
    expect(tie).toMatchObject({ steps: 2, top1Agreements: 1, decisiveSteps: 1, decisiveAgreements: 1 });
    expect(tie.transcriptDivergence).toMatchObject({ step: 1, baselineToken: 1, deviceToken: 2, cause: 'near-tie' });
    expect(tie.transcriptDivergence!.margin).toBeCloseTo(0.1, 5);

    const flip = compareCase('b', [logits(9, 0, 0), logits(0, 6, 0)], [logits(9, 0, 0), logits(0, 0, 6)], [0, 1], [0, 2], 0.5);
    expect(flip).toMatchObject({ decisiveSteps: 2, decisiveAgreements: 1, transcriptDivergence: { step: 1, cause: 'numerical' } });

    const s = summarizeTokenParity([tie, flip]);
    expect(s).toMatchObject({ cases: 2, steps: 4, decisiveSteps: 3, divergences: 2, nearTieDivergences: 1 });
    expect(s.decisiveTop1Agreement).toBeCloseTo(2 / 3);
    expect(s.top1Agreement).toBeCloseTo(2 / 4);
  });
});
