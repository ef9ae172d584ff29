import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { align, alignCounts, codePoints, tokenCodes } from './align.ts';

/**
 * alignCounts() fills only a diagonal band of the table and skips the pairs; it must give the
 * very counts align() gives on the full table (sclite's tie-break included), or scoring would
 * change with its speed. Small alphabets make ties common; long sequences with few edits
 * exercise the band, many edits its widening.
 */
const countsOf = (ref: string[], hyp: string[]) => {
  const { hits, substitutions, deletions, insertions } = align(ref, hyp);
  return { hits, substitutions, deletions, insertions };
};

describe('alignCounts (banded) against align (full table)', () => {
  it('on short sequences over small alphabets (ties everywhere)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 30 }), fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 30 }), (r, h) => {
        expect(alignCounts(...tokenCodes(r, h))).toEqual(countsOf(r, h));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('on long sequences with edits at any rate (the band, and its widening)', () => {
    const edited = fc
      .tuple(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 50, maxLength: 400 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom('sub', 'del', 'ins', 'cut', 'paste'), fc.constantFrom('a', 'b', 'e')), { maxLength: 60 }))
      .map(([r, edits]) => {
        const h: string[] = [...r];
        for (const [at, op, t] of edits) {
          const k = at % (h.length + 1);
          if (op === 'sub') h[k] = t;
          else if (op === 'del') h.splice(k, 1);
          else if (op === 'ins') h.splice(k, 0, t);
          else if (op === 'cut') h.splice(k, 20);
          // an extra stretch: with a cut elsewhere, the path strays far off the diagonals between start and end
          else h.splice(k, 0, ...Array.from({ length: 20 }, (_, x) => (x % 3 ? t : 'c')));
        }
        return [r, h] as const;
      });
    fc.assert(
      fc.property(edited, ([r, h]) => {
        expect(alignCounts(...tokenCodes(r, h))).toEqual(countsOf(r, h));
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('code points: astral characters are one unit each', () => {
    expect(Array.from(codePoints('a😀b'))).toEqual([0x61, 0x1f600, 0x62]);
  });
});
