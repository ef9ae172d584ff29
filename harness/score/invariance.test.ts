import { describe, expect, it } from 'vitest';
import { batchesOf, batchVariance, chunkedDisagreement } from './invariance.ts';
import { getNormalizer } from './normalizers.ts';

const o = { normalize: getNormalizer('basic'), maxWer: 0.01, cerSpaces: 'exclude' as const, chunkSeconds: 30 };

describe('chunked long-form decoding against the baseline', () => {
  it('the same words (case and punctuation aside): nothing', () => {
    expect(chunkedDisagreement('long', 'The oak, the elm.', 'the oak the elm', o)).toEqual([]);
  });

  it('a word lost at a chunk boundary: a chunked-disagreement with its WER and the limit', () => {
    const f = chunkedDisagreement('long', 'oak elm ash fir oak elm ash fir', 'oak elm ash oak elm ash fir', o);
    expect(f).toEqual([expect.objectContaining({ kind: 'chunked-disagreement', case: 'long', metric: 'wer', observed: 0.125, limit: 0.01 })]);
    expect(f[0]!.message).toMatch(/30 s chunks.*WER 12\.50%.*1 deleted/);
  });

  it("a WER at the limit fails, as a sequential case's does; below it passes", () => {
    const eight = 'oak elm ash fir oak elm ash fir';
    expect(chunkedDisagreement('long', eight, 'oak elm ash fir oak elm ash elm', { ...o, maxWer: 0.125 })).toHaveLength(1);
    expect(chunkedDisagreement('long', eight, 'oak elm ash fir oak elm ash elm', { ...o, maxWer: 0.126 })).toEqual([]);
  });
});

describe('batch invariance', () => {
  it('the same tokens alone and batched: nothing', () => {
    expect(batchVariance('a', [1, 2, 3], [1, 2, 3], ['b'])).toEqual([]);
  });

  it('tokens that differ, or one more or fewer: a batch-variance naming the first token that differs and the neighbours', () => {
    expect(batchVariance('a', [1, 2, 3], [1, 9, 3], ['b', 'c'])).toEqual([expect.objectContaining({ kind: 'batch-variance', case: 'a', message: expect.stringMatching(/batched with b, c.*from token 1 on/) })]);
    expect(batchVariance('a', [1, 2, 3], [1, 2], ['b'])[0]!.message).toMatch(/from token 2 on \(3 tokens alone, 2 batched\)/);
    expect(batchVariance('a', [1, 2], [1, 2, 3], ['b'])).toHaveLength(1);
  });

  it('batches of the given size in order; a last batch of one joins the one before (a batch of one is no batch)', () => {
    expect(batchesOf([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6, 7]]);
    expect(batchesOf([1, 2, 3, 4], 2)).toEqual([[1, 2], [3, 4]]);
    expect(batchesOf([1], 4)).toEqual([[1]]);
  });
});
