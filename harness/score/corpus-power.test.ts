import { describe, expect, it } from 'vitest';
import { proportionUpper } from './confidence.ts';
import { corpusPower, signTestMinimum } from './corpus-power.ts';
import { getNormalizer } from './normalizers.ts';
import { signTest } from './paired-difference.ts';

/**
 * The plan's figures are the gate's own tests run backwards: the sign-test floor is the fewest
 * one-sided utterances the report's sign test calls significant, and each claim's need is the
 * fewest error-free units whose bound meets the threshold.
 */
const item = (id: number, a: number, b: number) => ({ id: `u${id}`, units: 10, errorsA: a, errorsB: b });

describe('what a corpus can show before a run', () => {
  for (const confidence of [0.9, 0.95, 0.99]) {
    it(`at ${confidence}: the sign test rejects with minWorse utterances worse and none better, and not with one fewer`, () => {
      const k = signTestMinimum(confidence);
      const worse = (n: number) => Array.from({ length: n }, (_, i) => item(i, 0, 1));
      expect(signTest(worse(k)).pValue).toBeLessThanOrEqual(1 - confidence);
      expect(signTest(worse(k - 1)).pValue).toBeGreaterThan(1 - confidence);
    });
  }

  it('each claim needs the fewest error-free units whose bound meets it; the floor is minWorse over the words', () => {
    const texts = ['the cat sat on the mat', 'a dog', '', 'one two three four five six seven eight'];
    const t = { maxWer: 0.05, maxCer: 0.02, minExactMatchRate: 0.8, confidence: 0.95, maxWerIncrease: 0.1 };
    const p = corpusPower(texts, t, getNormalizer('basic'), 'exclude');
    expect(p).toMatchObject({ utterances: 4, withReference: 3, refWords: 16, minWorse: 6 });
    expect(p.minDetectableWerIncrease).toBeNull(); // 3 utterances with text: the sign test cannot reach 6
    for (const c of p.claims.filter((x) => x.claim !== 'maxWerIncrease')) {
      const rate = c.claim === 'minExactMatchRate' ? 1 - c.threshold : c.threshold;
      expect(proportionUpper(0, c.needs, 0.95), c.claim).toBeLessThanOrEqual(rate);
      expect(proportionUpper(0, c.needs - 1, 0.95), c.claim).toBeGreaterThan(rate);
    }
    const inc = p.claims.find((c) => c.claim === 'maxWerIncrease')!;
    expect(inc.needs).toBe(60); // 6 / 0.1
    const big = corpusPower(Array.from({ length: 8 }, () => 'one two three four five'), t, getNormalizer('basic'), 'exclude');
    expect(big.minDetectableWerIncrease).toBeCloseTo(6 / 40, 12);
    expect(big.claims.find((c) => c.claim === 'maxWerIncrease')).toMatchObject({ needs: 60, have: 40, utterancesNeeded: 12, enough: false });
  });
});
