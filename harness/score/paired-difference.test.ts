import { describe, expect, it } from 'vitest';
import { seededRandom } from '../io/seeded-random.ts';
import { scoreCorpus, scoreUtterance } from './error-rate.ts';
import { pairedWerDifference, signTest, type PairedItem } from './paired-difference.ts';

const item = (id: number, units: number, errorsA: number, errorsB: number): PairedItem => ({ id: `u${id}`, units, errorsA, errorsB });

/** Two-sided sign-test p-value by enumerating all 2^n coin sequences: an independent check of the binomial sum. */
function enumeratedP(worse: number, better: number): number {
  const n = worse + better;
  const seen = Math.abs(worse - better);
  let extreme = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let heads = 0;
    for (let b = 0; b < n; b++) heads += (mask >> b) & 1;
    if (Math.abs(2 * heads - n) >= seen) extreme++;
  }
  return extreme / 2 ** n;
}

describe('paired WER difference', () => {
  it('sign test: ties dropped, two-sided p equal to enumerating every outcome', () => {
    for (const [worse, better, ties] of [[9, 1, 0], [7, 3, 4], [5, 5, 2], [12, 0, 1], [0, 3, 9]] as const) {
      const items = [...Array(worse).fill([1, 2]), ...Array(better).fill([2, 1]), ...Array(ties).fill([1, 1])].map(([a, b], i) => item(i, 5, a, b));
      const s = signTest(items);
      expect({ worse: s.worse, better: s.better, ties: s.ties }).toEqual({ worse, better, ties });
      expect(s.pValue).toBeCloseTo(Math.min(1, enumeratedP(worse, better)), 12);
    }
    expect(signTest([item(0, 3, 1, 1)]).pValue).toBe(1);
  });

  it('the difference pools errors over words (as corpus WER does), not a mean of per-utterance rates', () => {
    const d = pairedWerDifference([item(0, 10, 0, 5), item(1, 90, 9, 9)], 0.95);
    expect(d.difference).toBeCloseTo(14 / 100 - 9 / 100, 12);
    expect(d.units).toBe(100);
  });

  it('the difference is corpus WER B minus corpus WER A as the scorer gives them, an all-silent corpus (no reference words) too', () => {
    const paired = (refs: string[], hypsA: string[], hypsB: string[]) => {
      const a = refs.map((r, i) => scoreUtterance(`u${i}`, r, hypsA[i]!));
      const b = refs.map((r, i) => scoreUtterance(`u${i}`, r, hypsB[i]!));
      const errors = (s: (typeof a)[number]) => s.substitutions + s.deletions + s.insertions;
      const d = pairedWerDifference(a.map((x, i) => ({ id: x.id, units: x.refWords, errorsA: errors(x), errorsB: errors(b[i]!) })), 0.95);
      return { d, expected: scoreCorpus(b).wer - scoreCorpus(a).wer };
    };
    const spoken = paired(['the cat sat', 'on the mat', 'a dog'], ['the cat sat', 'on a mat', 'a dog'], ['the bat sat', 'on mat', 'a dog barked']);
    expect(spoken.d.difference).toBeCloseTo(spoken.expected, 12);
    // silence that one system fills with words: an empty reference counts each error as 1, never NaN
    const silent = paired(['', ''], ['', 'uh'], ['hello there', 'uh']);
    expect(silent.expected).toBeGreaterThan(0);
    expect(silent.d.difference).toBeCloseTo(silent.expected, 12);
    expect(silent.d.units).toBe(0);
  });

  it('records what it was given and how it was made: utterances, words, confidence, resamples and seed (2000 and 1 unless told)', () => {
    const items = [item(0, 8, 0, 2), item(1, 5, 1, 0), item(2, 9, 0, 3)];
    expect(pairedWerDifference(items, 0.9)).toMatchObject({ utterances: 3, units: 22, confidence: 0.9, method: 'paired bootstrap over utterances (2000 resamples, seed 1, percentile interval); sign test over utterances, ties dropped' });
    expect(pairedWerDifference(items, 0.9, 500, 7).method).toMatch(/^paired bootstrap over utterances \(500 resamples, seed 7, /);
    // the seed is the draw: another seed, another interval over the same data
    const rnd = seededRandom(2);
    const many = Array.from({ length: 40 }, (_, i) => item(i, 5 + Math.floor(rnd() * 10), Math.floor(rnd() * 3), Math.floor(rnd() * 4)));
    const d7 = pairedWerDifference(many, 0.9, 500, 7);
    const d8 = pairedWerDifference(many, 0.9, 500, 8);
    expect([d7.lower, d7.upper]).not.toEqual([d8.lower, d8.upper]);
  });

  it('no utterance differs: a zero-width interval at zero, and a sign test of 1', () => {
    const d = pairedWerDifference([item(0, 4, 1, 1), item(1, 6, 0, 0), item(2, 3, 2, 2)], 0.95);
    expect([d.difference, d.lower, d.upper]).toEqual([0, 0, 0]);
    expect(d.sign.pValue).toBe(1);
  });

  it('a system worse on most utterances: the interval lies above zero, contains the difference, and is the same for the same seed', () => {
    const rnd = seededRandom(5);
    const items = Array.from({ length: 60 }, (_, i) => {
      const units = 5 + Math.floor(rnd() * 10);
      const a = Math.floor(rnd() * 2);
      return item(i, units, a, a + (rnd() < 0.7 ? 1 + Math.floor(rnd() * 3) : 0));
    });
    const d = pairedWerDifference(items, 0.95);
    expect(d.lower).toBeGreaterThan(0);
    expect(d.lower).toBeLessThanOrEqual(d.difference);
    expect(d.upper).toBeGreaterThanOrEqual(d.difference);
    expect(pairedWerDifference(items, 0.95)).toEqual(d);
    // a higher confidence gives a wider interval
    const wide = pairedWerDifference(items, 0.99);
    expect(wide.upper - wide.lower).toBeGreaterThan(d.upper - d.lower);
    expect(d.sign.worse).toBeGreaterThan(d.sign.better);
    expect(d.sign.pValue).toBeLessThan(0.001);
  });

  it('a 95% interval is 95% wide: its width matches the normal approximation 2 x 1.96 x the standard error (a 90% one would be 16% narrower)', () => {
    // 400 utterances of 10 words each: the difference is a mean of 400 independent values, so the
    // bootstrap distribution is close to normal with the sample's standard error
    const rnd = seededRandom(11);
    const items = Array.from({ length: 400 }, (_, i) => item(i, 10, 0, Math.floor(rnd() * 4)));
    const d = items.map((x) => (x.errorsB - x.errorsA) / x.units);
    const mean = d.reduce((a, x) => a + x, 0) / d.length;
    const se = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / d.length / d.length);
    for (const [confidence, z] of [[0.95, 1.959964], [0.9, 1.644854], [0.99, 2.575829]] as const) {
      const r = pairedWerDifference(items, confidence, 20_000, 3);
      const ratio = (r.upper - r.lower) / (2 * z * se);
      expect(ratio, `${confidence * 100}% interval width / normal-approximation width: the two-sided tail must be (1 - confidence) / 2`).toBeGreaterThan(0.95);
      expect(ratio, `${confidence * 100}% interval width / normal-approximation width`).toBeLessThan(1.05);
      // centred: each tail holds half of what lies outside
      expect((r.upper - mean) / (mean - r.lower), `${confidence * 100}% interval symmetric about the difference`).toBeCloseTo(1, 0);
    }
  });

  it('swapping the systems mirrors the interval exactly, rank for rank, over many distinct draws (the two tails hold the same number of draws)', () => {
    const rnd = seededRandom(9);
    const items = Array.from({ length: 60 }, (_, i) => item(i, 3 + Math.floor(rnd() * 20), Math.floor(rnd() * 4), Math.floor(rnd() * 5)));
    for (const confidence of [0.95, 0.9]) {
      const ab = pairedWerDifference(items, confidence);
      const ba = pairedWerDifference(items.map((x) => ({ ...x, errorsA: x.errorsB, errorsB: x.errorsA })), confidence);
      expect(ab.upper - ab.lower, 'the draws are distinct enough for a rank to matter').toBeGreaterThan(0);
      expect(ba.lower, `${confidence}: lower end of B-A is minus the upper end of A-B`).toBeCloseTo(-ab.upper, 12);
      expect(ba.upper, `${confidence}: upper end of B-A is minus the lower end of A-B`).toBeCloseTo(-ab.lower, 12);
    }
  });

  it('resamples as many utterances as there are: with 3, a draw of one utterance three times (1 in 27, more than the 2.5% tail) is each end of the 95% interval', () => {
    // per-utterance differences -2/10, +1/10, +4/10: the extremes are single utterances' own differences
    const items = [item(0, 10, 2, 0), item(1, 10, 0, 1), item(2, 10, 0, 4)];
    const d = pairedWerDifference(items, 0.95);
    expect(d.lower).toBeCloseTo(-0.2, 12);
    expect(d.upper).toBeCloseTo(0.4, 12);
  });

  it('leaves (1 - confidence) / 2 of the draws out on each side: at 90% over 20 resamples, one each, so both ends lie inside the range of all draws', () => {
    const items = [item(0, 10, 2, 0), item(1, 10, 0, 1), item(2, 10, 0, 4), item(3, 10, 1, 1)];
    // confidence 1 leaves nothing out: its ends are the smallest and largest draws
    const all = pairedWerDifference(items, 1, 20);
    const ninety = pairedWerDifference(items, 0.9, 20);
    expect(ninety.lower, 'the lowest of 20 draws is left out (5% of 20 is 1, though (1 - 0.9) / 2 * 20 is 0.9999999999999998 in floating point)').toBeGreaterThan(all.lower);
    expect(ninety.upper, 'the highest of 20 draws is left out').toBeLessThan(all.upper);
  });

  it('swapping the systems mirrors the difference and its interval', () => {
    const items = [item(0, 8, 0, 2), item(1, 5, 1, 0), item(2, 9, 0, 3), item(3, 7, 2, 2), item(4, 6, 0, 1)];
    const ab = pairedWerDifference(items, 0.9);
    const ba = pairedWerDifference(items.map((x) => ({ ...x, errorsA: x.errorsB, errorsB: x.errorsA })), 0.9);
    expect(ba.difference).toBeCloseTo(-ab.difference, 12);
    expect(ba.lower).toBeCloseTo(-ab.upper, 12);
    expect(ba.upper).toBeCloseTo(-ab.lower, 12);
    expect(ba.sign.pValue).toBe(ab.sign.pValue);
  });
});
