import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { align, alignmentCost } from './align.ts';
import { chars, scoreCorpus, scoreUtterance } from './error-rate.ts';

const word = fc.constantFrom('a', 'b', 'c', 'the', 'cat', 'sat');
const sentence = fc.array(word, { maxLength: 12 });

describe('alignment and error rates', () => {
  it('WER of identical texts is 0', () => {
    fc.assert(fc.property(sentence, (s) => scoreUtterance('u', s.join(' '), s.join(' ')).wer === 0));
  });

  it('swapping reference and hypothesis keeps the weighted distance, and counts add up both ways', () => {
    // the error *count* may differ: 3 substitutions (3 x 4) tie with 2 deletions + 2 insertions
    // (4 x 3), and which one a direction picks is tie-breaking, as in sclite
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        const ab = align(a, b);
        const ba = align(b, a);
        expect(alignmentCost(a, b)).toBe(alignmentCost(b, a));
        expect(ba.hits + ba.substitutions + ba.deletions).toBe(b.length);
        expect(ab.hits + ab.substitutions + ab.deletions).toBe(a.length);
        expect(ab.hits + ab.substitutions + ab.insertions).toBe(b.length);
      }),
    );
  });

  it('alignment cost obeys the triangle inequality', () => {
    fc.assert(fc.property(sentence, sentence, sentence, (a, b, c) => alignmentCost(a, c) <= alignmentCost(a, b) + alignmentCost(b, c)));
  });

  it('counts one substitution, one deletion and one insertion where they happen', () => {
    const s = scoreUtterance('u', 'the cat sat on the mat', 'the bat sat on mat today');
    expect([s.substitutions, s.deletions, s.insertions, s.hits]).toEqual([1, 1, 1, 4]);
    expect(s.wer).toBeCloseTo(3 / 6);
  });

  it('defines empty references instead of returning NaN', () => {
    expect(scoreUtterance('u', '', '').wer).toBe(0);
    expect(scoreUtterance('u', '', 'two words').wer).toBe(2);
    expect(scoreCorpus([]).exactMatchRate).toBe(1);
  });

  it('computes CER on text without spaces (Chinese)', () => {
    const s = scoreUtterance('u', '今天天气很好', '今天天汽很好');
    expect(s.cer).toBeCloseTo(1 / 6);
    expect(chars('a b')).toEqual(['a', 'b']);
  });

  it('pools corpus counts rather than averaging rates', () => {
    const c = scoreCorpus([scoreUtterance('a', 'one', 'two'), scoreUtterance('b', 'one two three four', 'one two three four')]);
    expect(c.wer).toBeCloseTo(1 / 5);
    expect(c.exactMatches).toBe(1);
  });
});

describe('what counts as a word, a character and an exact match (issue 24 audit)', () => {
  it('words are split on any whitespace (tabs, newlines), as sclite splits them: an unnormalized transcript with a tab is not a word error', () => {
    const s = scoreUtterance('u', 'the cat\tsat\non it', 'the cat sat on it');
    expect(s.refWords, 'a tab or a newline separates words').toBe(5);
    expect(s.wer).toBe(0);
  });

  it('CER without spaces drops every kind of whitespace, not only the space', () => {
    expect(chars('a\tb\nc  d', 'exclude')).toEqual(['a', 'b', 'c', 'd']);
    expect(scoreUtterance('u', 'ab\tcd', 'abcd', { cerSpaces: 'exclude' }).cer).toBe(0);
  });

  it('an inserted word makes a case inexact, as a substitution or deletion does', () => {
    expect(scoreUtterance('u', 'a b', 'a b c').exact, 'one insertion: not an exact match').toBe(false);
    expect(scoreUtterance('u', 'a b c', 'a b').exact).toBe(false);
    expect(scoreUtterance('u', 'a b', 'a x').exact).toBe(false);
    expect(scoreCorpus([scoreUtterance('u', 'a b', 'a b c'), scoreUtterance('v', 'a', 'a')]).exactMatches).toBe(1);
  });
});
