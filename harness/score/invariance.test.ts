import { describe, expect, it } from 'vitest';
import { chunkedDisagreement } from './invariance.ts';
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
