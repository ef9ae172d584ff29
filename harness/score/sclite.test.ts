import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scliteCounts } from '../../suites/helpers/sclite.ts';
import { scoreCorpus, scoreUtterance } from './error-rate.ts';

describe('corpus counts agree with NIST sclite', () => {
  it('on generated utterance pairs', async () => {
    const vocab = ['a', 'b', 'c', 'the', 'cat', 'sat', 'on', 'mat'];
    const pairs = fc.sample(
      fc.tuple(fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 10 }), fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 10 })),
      { numRuns: 60, seed: 42 },
    );
    const refs = pairs.map(([r]) => r.join(' '));
    const hyps = pairs.map(([, h]) => h.join(' '));
    const ours = scoreCorpus(refs.map((r, i) => scoreUtterance(String(i), r, hyps[i]!)));
    const theirs = await scliteCounts(refs, hyps);
    expect({ words: ours.refWords, hits: ours.hits, substitutions: ours.substitutions, deletions: ours.deletions, insertions: ours.insertions }).toEqual(theirs);
  });
});
