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

describe('decisive agreement counts only the decisive steps', () => {
  it('9 agreed near-ties and 1 flipped decisive step: 0 of 1 decisive steps agree (0%), not 9 (900%)', () => {
    // steps 0-8: the top two 0.1 apart (a near-tie at tolerance 0.5), both sides choose token 0;
    // step 9: margin 6, the device picks another token
    const tie = () => logits(3.1, 3.0, 0);
    const base = [...Array.from({ length: 9 }, tie), logits(0, 6, 0)];
    const dev = [...Array.from({ length: 9 }, tie), logits(0, 0, 6)];
    const c = compareCase('c', base, dev, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 2], 0.5);
    expect(c, 'the near-ties agreed, but they are not decisive steps').toMatchObject({ steps: 10, top1Agreements: 9, decisiveSteps: 1 });
    expect(c.decisiveAgreements, 'decisiveAgreements must count agreeing steps among the decisive ones only').toBe(0);
    const s = summarizeTokenParity([c]);
    expect(s.decisiveTop1Agreement, 'decisiveTop1Agreement is a fraction of the decisive steps').toBe(0);
    expect(s.top1Agreement).toBeCloseTo(0.9, 12);
  });

  it('a step whose margin equals the tolerance is a near-tie, not decisive; one just above is decisive', () => {
    // float32-exact margins: 0.5 (= tolerance) and 0.75
    const at = compareCase('at', [logits(3.5, 3.0)], [logits(3.0, 3.5)], [0], [1], 0.5);
    expect(at.decisiveSteps, 'margin == marginTolerance must not count as decisive').toBe(0);
    expect(at.transcriptDivergence, 'a flip at margin == marginTolerance is a near-tie').toMatchObject({ cause: 'near-tie' });
    const above = compareCase('above', [logits(3.75, 3.0)], [logits(3.0, 3.75)], [0], [1], 0.5);
    expect(above.decisiveSteps, 'margin > marginTolerance is decisive').toBe(1);
    expect(above.transcriptDivergence).toMatchObject({ cause: 'numerical' });
  });
});

describe('every figure of a step, a case and a summary (survivors of the mutation run at 34cac05)', () => {
  it('the margin is the top logit minus the runner-up wherever they stand, ties going to the first index', () => {
    const bySorting = (v: number[]) => {
      const s = [...v].sort((a, b) => b - a);
      return s[0]! - s[1]!;
    };
    for (const v of [[5, 1, 3, 2], [1, 5, 3, 2], [3, 2, 1, 5], [5, 4, 4], [4, 4, 5], [2, 9, 9, 1], [0, -1, -3], [3, 5, 1]]) {
      const s = compareStep(logits(...v), logits(...v));
      expect(s.margin, `margin of [${v}]`).toBe(bySorting(v));
      expect(s.baselineTop1, `top-1 of [${v}]: the first index of the maximum`).toBe(v.indexOf(Math.max(...v)));
    }
    expect(compareStep(logits(3), logits(3)).margin, 'a one-word vocabulary has no runner-up').toBe(Infinity);
  });

  it('cosine: 1 for equal or both-zero vectors, -1 for opposite ones, 0 (not NaN) for a zero vector against another', () => {
    expect(compareStep(logits(0, 0, 0), logits(0, 0, 0)).cosine).toBe(1);
    expect(compareStep(logits(0, 0, 0), logits(0, 2, 0)).cosine, 'an all-zero baseline step against a device one').toBe(0);
    expect(compareStep(logits(1, -2, 3), logits(0, 0, 0)).cosine, 'an all-zero device step against a baseline one').toBe(0);
    expect(compareStep(logits(1, -2, 3), logits(-1, 2, -3)).cosine).toBeCloseTo(-1, 12);
    expect(compareStep(logits(1, -2, 3), logits(2, -4, 6)).cosine).toBeCloseTo(1, 12);
  });

  it('relative error: over the largest baseline logit, and the absolute error where the baseline step is all zero (never Infinity or NaN)', () => {
    expect(compareStep(logits(-4, 2, 1), logits(-4, 2, 2)).relError).toBe(1 / 4);
    expect(compareStep(logits(0, 0, 0), logits(0, 0.5, 0)).relError).toBe(0.5);
    expect(compareStep(logits(0, 0, 0), logits(0, 0, 0)).relError).toBe(0);
  });

  it('a case takes the worst of its steps (least margin and cosine, largest errors), and refuses step counts that differ', () => {
    const base = [logits(9, 0, 0), logits(0, 3, 1), logits(0, 0, 4)];
    const dev = [logits(9, 0.5, 0), logits(0, 2, 1), logits(0, 1, 4)];
    const c = compareCase('c', base, dev, [0, 1], [0, 1], 0.5);
    const steps = base.map((b, k) => compareStep(b, dev[k]!));
    expect(c.minMargin).toBe(Math.min(...steps.map((s) => s.margin)));
    expect(c.maxAbsError).toBe(Math.max(...steps.map((s) => s.maxAbsError)));
    expect(c.maxRelError).toBe(Math.max(...steps.map((s) => s.relError)));
    expect(c.minCosine).toBe(Math.min(...steps.map((s) => s.cosine)));
    expect(c.minMargin).toBe(2);
    expect(c.maxAbsError).toBe(1);
    expect(() => compareCase('d', base, dev.slice(0, 2), [0, 1], [0, 1], 0.5)).toThrow(/d: 3 baseline steps vs 2 device steps/);
  });

  it('a device that decodes past the baseline\'s end diverges at the end-of-text step, with no baseline token there (-1)', () => {
    const c = compareCase('e', [logits(9, 0), logits(0, 9)], [logits(9, 0), logits(0, 9)], [0], [0, 1], 0.5);
    expect(c.transcriptDivergence).toMatchObject({ step: 1, baselineToken: -1, deviceToken: 1 });
  });

  it('a summary takes the worst over cases and counts divergences and near-tie ones among the cases that diverged', () => {
    const same = compareCase('same', [logits(9, 0, 0)], [logits(9, 0, 0)], [0], [0], 0.5);
    const tie1 = compareCase('tie1', [logits(3.1, 3.0, 0)], [logits(3.0, 3.1, 0)], [0], [1], 0.5);
    const tie2 = compareCase('tie2', [logits(0, 2.2, 2.0)], [logits(0, 2.0, 2.2)], [1], [2], 0.5);
    const flip = compareCase('flip', [logits(6, 0, 0)], [logits(0, 6, 0)], [0], [1], 0.5);
    const all = [same, tie1, tie2, flip];
    const s = summarizeTokenParity(all);
    expect(s).toMatchObject({ divergences: 3, nearTieDivergences: 2 });
    expect(s.minMargin).toBe(Math.min(...all.map((c) => c.minMargin)));
    expect(s.maxAbsError).toBe(Math.max(...all.map((c) => c.maxAbsError)));
    expect(s.maxRelError).toBe(Math.max(...all.map((c) => c.maxRelError)));
    expect(s.minCosine).toBe(Math.min(...all.map((c) => c.minCosine)));
    expect(s.maxAbsError).toBe(6);
  });
});
