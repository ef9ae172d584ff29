import { describe, expect, it } from 'vitest';
import { proportionLower, trialsNeededAtZero } from './confidence.ts';
import { evidenceOf, evidenceSupports, gateFailures, scoreTranscripts, tokenParityPasses, underLoadCheck, underLoadFailure, werIncreaseFailure, type PairedTranscript, type Thresholds } from './gate.ts';
import { scoreAgainstReference } from './ground-truth.ts';
import { compareCase, summarizeTokenParity } from './token-parity.ts';

/**
 * The acceptance rule, the one place a threshold is applied: per case and corpus-wide, with the
 * strictness the README states (WER and CER below their maxima, exact match at least its
 * minimum), and what the data can support (evidence "bound") or only what was observed ("point").
 * Expected numbers come from the confidence module and the inputs, not from this file.
 */
const T: Thresholds = { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.99 };
const POINT: Thresholds = { ...T, evidence: 'point' };
const same = (n: number, text = 'the cat sat on the mat'): PairedTranscript[] => Array.from({ length: n }, (_, i) => ({ id: `u${i}`, baseline: text, device: text }));
const identity = (s: string) => s;
// the findings' messages: what a person reads (the structured fields are checked where they are the point)
const failuresOf = (pairs: PairedTranscript[], t: Thresholds) => gateFailures(scoreTranscripts(pairs, identity), undefined, t).map((f) => f.message);

describe('scoring transcripts for the gate', () => {
  it('normalizes both sides before comparing (the baseline is the reference)', () => {
    const s = scoreTranscripts([{ id: 'a', baseline: 'The Cat', device: 'the cat' }], (x) => x.toLowerCase());
    expect(s.cases[0]).toMatchObject({ id: 'a', exact: true, wer: 0 });
    expect(scoreTranscripts([{ id: 'a', baseline: 'The Cat', device: 'the cat' }], identity).cases[0]!.exact).toBe(false);
    // the baseline is the reference: its words are the denominator
    expect(scoreTranscripts([{ id: 'a', baseline: 'a b c d', device: 'a b' }], identity).corpus).toMatchObject({ refWords: 4, deletions: 2, wer: 0.5 });
  });
});

describe('thresholds on the observed values', () => {
  it('fails each case and the corpus whose WER or CER reaches its maximum, naming case, value and threshold', () => {
    const f = failuresOf([...same(1), { id: 'bad', baseline: 'the cat sat', device: 'the dog sat' }], { ...POINT, minExactMatchRate: 0 });
    // one finding per case and figure, naming the value and the threshold
    expect(f).toContain('bad: WER 33.33% >= 1.00%');
    expect(f).toContain('bad: CER 33.33% >= 1.00%');
    expect(f.some((x) => x.startsWith('u0:'))).toBe(false);
    expect(f.some((x) => x.startsWith('corpus: WER '))).toBe(true);
    expect(f.some((x) => x.startsWith('corpus: CER '))).toBe(true);
  });

  it('is strict at the maximum: a WER equal to it fails, one just below passes', () => {
    // one substituted word in two: WER exactly 50%
    const half = [{ id: 'h', baseline: 'a b', device: 'a c' }];
    const loose = { ...POINT, maxCer: 1, minExactMatchRate: 0 };
    expect(failuresOf(half, { ...loose, maxWer: 0.5 })).toEqual(['h: WER 50.00% >= 50.00%', 'corpus: WER 50.00% >= 50.00%']);
    expect(failuresOf(half, { ...loose, maxWer: 0.5000001 })).toEqual([]);
    // on bounds, a WER that already fails is not also reported as unsupported
    expect(failuresOf(half, { ...T, maxWer: 0.5, maxCer: 1, minExactMatchRate: 0 }).filter((x) => x.includes('WER'))).toEqual(['h: WER 50.00% >= 50.00%', 'corpus: WER 50.00% >= 50.00%']);
  });

  it('is strict at the CER maximum too', () => {
    const pairs = [{ id: 'c', baseline: 'abcd', device: 'abce' }];
    const cer = scoreTranscripts(pairs, identity).corpus.cer;
    const loose = { maxWer: 1.01, minExactMatchRate: 0 };
    expect(failuresOf(pairs, { ...loose, maxCer: cer, evidence: 'point' })).toEqual([`c: CER ${(100 * cer).toFixed(2)}% >= ${(100 * cer).toFixed(2)}%`, `corpus: CER ${(100 * cer).toFixed(2)}% >= ${(100 * cer).toFixed(2)}%`]);
    expect(failuresOf(pairs, { ...loose, maxCer: cer * 1.000001, evidence: 'point' })).toEqual([]);
    expect(failuresOf(pairs, { ...loose, maxCer: cer }).filter((x) => x.includes('CER'))).toHaveLength(2);
  });

  it('is inclusive at the exact-match minimum: a rate equal to it passes, one below fails', () => {
    // half the cases exact, WER and CER allowed
    const pairs = [...same(1), { id: 'x', baseline: 'a b', device: 'a c' }];
    const loose = { ...POINT, maxWer: 1, maxCer: 1 };
    expect(failuresOf(pairs, { ...loose, minExactMatchRate: 0.5 })).toEqual([]);
    expect(failuresOf(pairs, { ...loose, minExactMatchRate: 0.51 })).toEqual(['corpus: exact match 50.00% < 51.00%']);
  });

  it('passes identical transcripts on observed values whatever their number', () => {
    expect(failuresOf(same(3), POINT)).toEqual([]);
  });
});

describe('what the data can support (evidence "bound", the default)', () => {
  it('fails thin data for each figure, saying how many more error-free units would do', () => {
    const pairs = same(3);
    const scores = scoreTranscripts(pairs, identity);
    const e = evidenceOf(scores, T);
    expect(e.mode).toBe('bound');
    expect(e.confidence).toBe(0.95);
    const f = gateFailures(scores, undefined, T).map((x) => x.message);
    const words = scores.corpus.refWords;
    const chars = e.cer.units;
    expect(f).toHaveLength(3);
    expect(f[0]).toBe(`corpus: insufficient evidence for WER < 1.00%: its 95.00% upper bound is ${(100 * e.wer.upper).toFixed(2)}% (0 errors in ${words} words); needs about ${trialsNeededAtZero(0.01, 0.95) - words} more words without errors`);
    expect(f[1]).toBe(`corpus: insufficient evidence for CER < 1.00%: its 95.00% upper bound is ${(100 * e.cer.upper).toFixed(2)}% (0 errors in ${chars} characters); needs about ${trialsNeededAtZero(0.01, 0.95) - chars} more characters without errors`);
    expect(f[2]).toBe(`corpus: insufficient evidence for exact match >= 99.00%: its 95.00% lower bound is ${(100 * proportionLower(3, 3, 0.95)).toFixed(2)}% (3 of 3 utterances); needs about ${trialsNeededAtZero(0.01, 0.95) - 3} more utterances without a mismatch`);
    expect(evidenceSupports(e)).toBe(false);
  });

  it('passes when the bounds meet every threshold, and says the data supports it', () => {
    const scores = scoreTranscripts(same(300), identity);
    const e = evidenceOf(scores, T);
    expect([e.wer.sufficient, e.cer.sufficient, e.exactMatch.sufficient]).toEqual([true, true, true]);
    expect([e.wer.unitsNeeded, e.cer.unitsNeeded, e.exactMatch.utterancesNeeded]).toEqual([null, null, null]);
    expect(evidenceSupports(e)).toBe(true);
    expect(gateFailures(scores, undefined, T)).toEqual([]);
  });

  it('asks for fewer errors, not a count of clean units, once errors were seen', () => {
    // 2 word errors in 600, 1 case in 100 inexact: the corpus rates pass (0.33% < 0.5%, 99% >= 99%) but their bounds do not
    // one deletion and one insertion: both count as errors
    const pairs = [...same(99), { id: 'x', baseline: 'the cat sat on the mat', device: 'cat sat on the mat the' }];
    const t = { ...T, maxWer: 0.005, maxCer: 1 };
    const scores = scoreTranscripts(pairs, identity);
    const e = evidenceOf(scores, t);
    expect(e.wer.unitsNeeded).toBeNull();
    expect(e.exactMatch.utterancesNeeded).toBeNull();
    const f = gateFailures(scores, undefined, t).map((x) => x.message);
    expect(e.wer.errors).toBe(2);
    expect(f.find((x) => x.includes('for WER'))).toMatch(/\(2 errors in 600 words\); needs fewer errors or more data$/);
    expect(f.find((x) => x.includes('for exact match'))).toMatch(/\(99 of 100 utterances\); needs fewer mismatches or more data$/);
  });

  it('reports a threshold the observed value already misses once, not again as insufficient evidence', () => {
    const f = failuresOf([{ id: 'bad', baseline: 'a b', device: 'a c' }], { ...T, maxCer: 1, minExactMatchRate: 0 });
    expect(f.filter((x) => x.includes('WER'))).toEqual(['bad: WER 50.00% >= 1.00%', 'corpus: WER 50.00% >= 1.00%']);
  });

  it('reports no figure as unsupported when its observed value already fails', () => {
    const f = failuresOf([{ id: 'bad', baseline: 'a b', device: 'a c' }], T);
    expect(f.length).toBeGreaterThan(0);
    expect(f.filter((x) => x.includes('insufficient evidence'))).toEqual([]);
  });

  it('takes a bound equal to the threshold as not supporting "below", and a lower bound equal to the minimum as supporting "at least"', () => {
    const scores = scoreTranscripts(same(50), identity);
    const e = evidenceOf(scores, T);
    expect(evidenceOf(scores, { ...T, maxWer: e.wer.upper }).wer.sufficient).toBe(false);
    expect(evidenceOf(scores, { ...T, maxWer: e.wer.upper * 1.000001 }).wer.sufficient).toBe(true);
    expect(evidenceOf(scores, { ...T, minExactMatchRate: e.exactMatch.lower }).exactMatch.sufficient).toBe(true);
    expect(evidenceOf(scores, { ...T, minExactMatchRate: e.exactMatch.lower * 1.000001 }).exactMatch.sufficient).toBe(false);
  });

  it('on "point", shows the same bounds but does not fail on them', () => {
    const scores = scoreTranscripts(same(3), identity);
    const e = evidenceOf(scores, POINT);
    expect(e.mode).toBe('point');
    expect(evidenceSupports(e)).toBe(false);
    expect(gateFailures(scores, undefined, POINT)).toEqual([]);
  });

  it('needs fewer clean units at a lower confidence', () => {
    const scores = scoreTranscripts(same(3), identity);
    const at90 = evidenceOf(scores, { ...T, confidence: 0.9 });
    expect(at90.confidence).toBe(0.9);
    expect(at90.wer.unitsNeeded).toBe(trialsNeededAtZero(0.01, 0.9));
    expect(at90.exactMatch.utterancesNeeded).toBe(trialsNeededAtZero(0.01, 0.9));
    expect(at90.wer.unitsNeeded!).toBeLessThan(evidenceOf(scores, T).wer.unitsNeeded!);
  });

  it('needs every figure supported, not just one', () => {
    const e = evidenceOf(scoreTranscripts(same(300), identity), T);
    expect(evidenceSupports({ ...e, wer: { ...e.wer, sufficient: false } })).toBe(false);
    expect(evidenceSupports({ ...e, cer: { ...e.cer, sufficient: false } })).toBe(false);
    expect(evidenceSupports({ ...e, exactMatch: { ...e.exactMatch, sufficient: false } })).toBe(false);
  });
});

describe('teacher-forced token parity', () => {
  // one forced step each: the baseline is sure of token 0 (margin 5); the device agrees or flips
  const base = [Float32Array.from([5, 0, 0])];
  const agree = summarizeTokenParity([compareCase('a', base, [Float32Array.from([4.9, 0, 0])], [0], [0], 0.5)]);
  const flip = summarizeTokenParity([compareCase('a', base, [Float32Array.from([0, 5, 0])], [0], [1], 0.5)]);

  it('passes at or above the minimum agreement on decisive steps, fails below with the figure', () => {
    expect(tokenParityPasses(agree, { minTop1Agreement: 1 })).toBe(true);
    expect(tokenParityPasses(flip, { minTop1Agreement: 0.999 })).toBe(false);
    expect(tokenParityPasses(flip, { minTop1Agreement: 0 })).toBe(true);
    const scores = scoreTranscripts(same(3), identity);
    expect(gateFailures(scores, flip, { ...POINT, minTop1Agreement: 0.999 })).toEqual([{ kind: 'token-parity', metric: 'decisiveTop1Agreement', observed: 0, limit: 0.999, message: 'corpus: teacher-forced top-1 agreement on decisive steps 0.00% < 99.90%' }]);
    expect(gateFailures(scores, agree, { ...POINT, minTop1Agreement: 0.999 })).toEqual([]);
  });

  it('is not applied without a minimum or without a measurement', () => {
    const scores = scoreTranscripts(same(3), identity);
    expect(gateFailures(scores, flip, POINT)).toEqual([]);
    expect(gateFailures(scores, undefined, { ...POINT, minTop1Agreement: 0.999 })).toEqual([]);
  });
});

describe('the under-load check names each timed call and what differs', () => {
  const said = (text: string) => ({ text });
  const reference = { audio: said('the cat sat'), short: said('a cat'), source: 'untimed run' as const };

  it('names the first call, each warm run by its number and the short clip, and keeps the first three differences', () => {
    const all = underLoadCheck(reference, { audio: ['x0', 'x1', 'x2', 'x3'].map(said), short: said('y') });
    expect(all).toEqual({
      reference: 'untimed run',
      calls: 5,
      matching: 0,
      passed: false,
      differences: [
        { call: 'first call', text: 'x0', referenceText: 'the cat sat' },
        { call: 'warm run 1', text: 'x1', referenceText: 'the cat sat' },
        { call: 'warm run 2', text: 'x2', referenceText: 'the cat sat' },
      ],
    });
    const shortOnly = underLoadCheck(reference, { audio: [said('the cat sat'), said('the cat sat')], short: said('a hat') });
    expect(shortOnly.differences).toEqual([{ call: 'short clip', text: 'a hat', referenceText: 'a cat' }]);
    expect(underLoadFailure(underLoadCheck(reference, { audio: [said('the cat sat')], short: said('a cat') }), 'fp16')).toBeUndefined();
  });

  it('says which path it was held against, and cuts a transcript over 80 characters to 77 and "..."', () => {
    const long = 'word '.repeat(20).trim(); // 99 characters
    const eighty = 'x'.repeat(80);
    const u = underLoadCheck(reference, { audio: [said('the cat sat'), said(long)], short: said(eighty) });
    expect(underLoadFailure(u, 'fp16')!.message).toBe(`fp16: under performance load, 2 of 3 timed transcripts differ from the untimed run's for the same audio (warm run 1: "${long.slice(0, 77)}..." vs "the cat sat")`);
    const fromAccuracy = underLoadCheck({ ...reference, source: 'accuracy run' }, { audio: [said(eighty)], short: said('a cat') });
    expect(underLoadFailure(fromAccuracy, 'gpu')!.message).toBe(`gpu: under performance load, 1 of 2 timed transcripts differ from the accuracy run's for the same audio (first call: "${eighty}" vs "the cat sat")`);
  });
});

describe('maxWerIncrease against the reference text', () => {
  // 6 utterances of 6 words: the baseline misses one word in u0, the device one in u1 and u2
  const spoken = 'the cat sat on the mat';
  const rows = Array.from({ length: 6 }, (_, i) => ({ id: `u${i}`, reference: spoken, baseline: i === 0 ? 'the dog sat on the mat' : spoken, device: i === 1 || i === 2 ? 'the cat sat on a mat' : spoken }));
  const truth = scoreAgainstReference(rows, (x) => x, 'none', 0.95)!;
  const d = truth.difference;
  const L: Thresholds = { maxWer: 0.5, maxCer: 0.5, minExactMatchRate: 0.5 };
  const pts = (x: number) => `${x < 0 ? '-' : '+'}${Math.abs(100 * x).toFixed(2)} points`;

  it('fails only above the limit, on the upper end of the interval unless evidence is "point"', () => {
    expect(d.lower).toBeLessThan(0);
    expect(d.upper).toBeGreaterThan(d.difference);
    expect(werIncreaseFailure(truth, { ...L })).toBeUndefined();
    // the default evidence is "bound": the interval's upper end is judged
    expect(werIncreaseFailure(truth, { ...L, maxWerIncrease: d.difference })).toMatchObject({ observed: d.upper, limit: d.difference });
    // at the limit is not above it
    expect(werIncreaseFailure(truth, { ...L, maxWerIncrease: d.upper })).toBeUndefined();
    expect(werIncreaseFailure(truth, { ...L, evidence: 'point', maxWerIncrease: d.difference })).toBeUndefined();
  });

  it('says how much WER rose, from what to what, with the interval, the utterances and the limit', () => {
    expect(d.difference).toBeCloseTo(1 / 36, 12);
    const f = werIncreaseFailure(truth, { ...L, evidence: 'point', maxWerIncrease: 0 })!;
    expect(f.message).toBe(`corpus: WER against the reference text rose +2.78 points over the baseline's (2.78% to 5.56%, 95.00% interval ${pts(d.lower)} to ${pts(d.upper)}, 6 utterances), more than the 0.00 points allowed`);
    expect(werIncreaseFailure(truth, { ...L, evidence: 'point', maxWerIncrease: 0.01 })!.message).toMatch(/, more than the 1\.00 points allowed$/);
  });
});
