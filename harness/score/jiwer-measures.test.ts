import { describe, expect, it } from 'vitest';
import { scoreCorpus, scoreUtterance } from './error-rate.ts';
import { levenshteinAlignment } from './levenshtein.ts';

// jiwer's published test values (jitsi/jiwer tests/test_measures.py and tests/test_cer.py,
// with jiwer's default transforms: each list entry is its own sentence and the measures pool
// the counts, as scoreCorpus does). The paper cases are from "From WER and RIL to MER and WIL".
// jiwer compares with a delta of 1e-16; we allow 1e-15 for floating-point summation order.
const m = (wer: number, mer: number, wil: number) => ({ wer, mer, wil, wip: 1 - wil });
const MEASURES: Array<[string | string[], string | string[], ReturnType<typeof m>]> = [
  ['This is a test', 'This is a test', m(0, 0, 0)],
  ['This is a test', '', m(1, 1, 1)],
  ['This is a test', 'This test', m(0.5, 0.5, 0.5)],
  ['i am a short ground truth', 'i am a considerably longer and very much incorrect hypothesis', m(7 / 6, 0.7, 0.85)],
  ['X', 'X', m(0, 0, 0)],
  ['X', 'X X Y Y', m(3, 0.75, 0.75)],
  ['X Y X', 'X Z', m(2 / 3, 2 / 3, 5 / 6)],
  ['X', 'Y', m(1, 1, 1)],
  ['X', 'Y Z', m(2, 1, 1)],
  [['i', 'am i good'], ['i am', 'i good'], m(0.5, 0.4, 7 / 16)],
  [['am i good', 'i'], ['i good', 'i am'], m(0.5, 0.4, 7 / 16)],
];
const CER: Array<[string | string[], string | string[], number]> = [
  ['This is a test', 'This is a test', 0 / 14],
  ['This is a test', '', 14 / 14],
  ['This is a test', 'This test', 5 / 14],
  ['X', 'X', 0],
  ['X', 'X X Y Y', 6],
  ['X Y X', 'X Z', 3 / 5],
  ['X', 'Y', 1],
  ['X', 'Y Z', 3],
  [['i', 'am i good'], ['i am', 'i good'], 0.6],
  [['am i good', 'i'], ['i good', 'i am'], 0.6],
  [['i', 'am i good'], ['i am', 'y good'], 0.7],
];
const list = (x: string | string[]) => (Array.isArray(x) ? x : [x]);
const corpus = (ref: string | string[], hyp: string | string[], cerSpaces: 'include' | 'exclude' = 'exclude') =>
  scoreCorpus(list(ref).map((r, i) => scoreUtterance(String(i), r, list(hyp)[i]!, { cerSpaces })));

describe("WER, MER, WIL and WIP equal jiwer's published values", () => {
  it.each(MEASURES)('%j vs %j', (ref, hyp, want) => {
    const c = corpus(ref, hyp);
    for (const k of ['wer', 'mer', 'wil', 'wip'] as const) expect(c[k], k).toBeCloseTo(want[k], 15);
  });
});

describe("--cer-spaces include equals jiwer's CER on its published cases", () => {
  it.each(CER)('%j vs %j', (ref, hyp, want) => {
    expect(corpus(ref, hyp, 'include').cer).toBeCloseTo(want, 15);
  });
  it("counts jiwer's hits, substitutions, deletions and insertions for its return_dict case", () => {
    // jiwer: {"cer": 0.7, "hits": 6, "substitutions": 1, "deletions": 3, "insertions": 3}
    const c = corpus(['i', 'am i good'], ['i am', 'y good'], 'include');
    expect([c.charErrors, c.refChars]).toEqual([1 + 3 + 3, 6 + 1 + 3]);
  });
  it('exclude drops the spaces instead (the convention for text without spaces)', () => {
    expect(corpus('This is a test', 'This test', 'exclude').cer).toBeCloseTo(3 / 11, 15);
  });
});

// jiwer's tests/test_alignment.py: its published alignments (visualize_alignment), which pin the
// tie-breaking among equally short edit paths that MER, WIL and WIP depend on. The op rows are
// jiwer's, one mark per word or character (' ' = correct).
const marks = (ops: readonly string[]) => ops.map((o) => (o === 'C' ? ' ' : o)).join('');
const words = (s: string) => s.split(/\s+/).filter(Boolean);
const ALIGNMENTS: Array<[string, string, 'words' | 'chars', string]> = [
  ['this is a', 'this is a test', 'words', '   I'],
  ['this is a test', 'this is a', 'words', '   D'],
  ['this is a test', 'this was a test', 'words', ' S  '],
  ['this is a test of skill', 'this was a messy test', 'words', ' S I DD'],
  ['this test will  have a high word error rate', 'no it will not', 'words', 'SS SDDDDD'],
  ['empty', '', 'words', 'D'],
  ['this is a', 'this is a test', 'chars', '         IIIII'],
  ['this is a test', 'this is a', 'chars', '         DDDDD'],
  ['this is a test', 'this iz a test', 'chars', '      S       '],
  ['this is a test of skill', 'this was a messy test', 'chars', '     IS    S  IS SSD SDDD'],
  ['this test will  have a high word error rate', 'no it will not', 'chars', 'SSDD SDD       SDDDDDDDDDDDDD DDDDDDDDDDD D'],
  ['empty', '', 'chars', 'DDDDD'],
  ['one', '1', 'chars', 'SDD'],
];

describe("the unit-cost alignment is jiwer's, tie-breaking included", () => {
  it.each(ALIGNMENTS)('%j vs %j (%s)', (ref, hyp, unit, want) => {
    const split = unit === 'words' ? words : (s: string) => Array.from(s);
    expect(marks(levenshteinAlignment(split(ref), split(hyp)).ops)).toBe(want);
  });
  it("gives jiwer's counts for its show_measures cases", () => {
    // jiwer: words substitutions=3 deletions=5 insertions=0 hits=1; characters 4, 29, 0, 10
    expect(levenshteinAlignment(words('this test will  have a high word error rate'), words('no it will not')).counts).toEqual({ hits: 1, substitutions: 3, deletions: 5, insertions: 0 });
    expect(levenshteinAlignment(Array.from('this test will  have a high word error rate'), Array.from('no it will not')).counts).toEqual({ hits: 10, substitutions: 4, deletions: 29, insertions: 0 });
  });
});
