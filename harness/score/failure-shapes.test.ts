import { describe, expect, it } from 'vitest';
import { scoreUtterance } from './error-rate.ts';
import type { FailureShapeSettings } from '../config/load-config.ts';
import { compressionRatio, failureShapes, longestRun, tailDeletions, type ShapeCase } from './failure-shapes.ts';

// config.schema.json's failureShapes defaults
const ON: FailureShapeSettings = { maxCompressionRatio: 2.4, compressionRatioOverBaseline: 1.25, maxTokenRun: 16, nonSpeechKinds: ['silence', 'noise', 'tone', 'chord', 'sweep'], nonFiniteLogits: true, minLengthRatio: 0.5, maxTailDeletions: 3, minBaselineWords: 5, languageAgreement: true, maxLanguageProbabilityDiff: 0.1, fallbackWarnings: true };
const SENTENCE = 'the quick brown fox jumps over the lazy dog near the river bank today';

function shapeCase(baselineText: string, deviceText: string, extra: Partial<ShapeCase> = {}): ShapeCase {
  return { id: 'c1', kind: 'speech', audioSeconds: 4, baselineText, deviceText, alignment: scoreUtterance('c1', baselineText, deviceText).alignment, ...extra };
}
const kinds = (c: ShapeCase, s = ON) => failureShapes(c, s).map((f) => f.kind);

describe('failure shapes', () => {
  it('an identical transcript fires nothing', () => expect(kinds(shapeCase(SENTENCE, SENTENCE, { baselineTokens: [1, 2, 3], deviceTokens: [1, 2, 3], nonFiniteLogits: 0 }))).toEqual([]));

  it('a repetition loop: the compression-ratio rule fires on a looping device, not on the sentence', () => {
    const loop = `${SENTENCE} ${'thank you for watching '.repeat(12)}`;
    expect(compressionRatio(SENTENCE)).toBeLessThan(2.4);
    expect(compressionRatio(loop)).toBeGreaterThan(2.4);
    expect(kinds(shapeCase(SENTENCE, loop))).toContain('repetition-loop');
    expect(kinds(shapeCase(SENTENCE, loop), { ...ON, maxCompressionRatio: null })).not.toContain('repetition-loop');
  });

  it('a loop the baseline has too is not the device\'s failure, nor a repetitive passage both compress past 2.4', () => {
    const loop = 'la '.repeat(40);
    expect(kinds(shapeCase(loop, loop))).toEqual([]);
    const passage = 'elm elm elm elm elm elm oak elm elm elm elm elm elm elm oak';
    expect(compressionRatio(passage)).toBeGreaterThan(2.4);
    expect(kinds(shapeCase(passage, passage.replace(/oak$/, 'elm')))).not.toContain('repetition-loop');
  });

  it('a run of one repeated token longer than the threshold and the baseline\'s', () => {
    expect(longestRun([5, 5, 1, 5, 5, 5])).toBe(3);
    const c = shapeCase(SENTENCE, SENTENCE, { baselineTokens: [1, 2, 3], deviceTokens: [1, ...Array(20).fill(7), 3] });
    expect(kinds(c)).toEqual(['repeated-token-run']);
    expect(kinds(c, { ...ON, maxTokenRun: null })).toEqual([]);
  });

  it('text on a non-speech probe other than the baseline\'s; the same words, silence, and speech cases are not', () => {
    expect(kinds(shapeCase('', 'Thank you.', { kind: 'silence' }))).toEqual(['non-speech-text']);
    expect(kinds(shapeCase('hush', 'Thank you.', { kind: 'noise' }))).toEqual(['non-speech-text']);
    expect(kinds(shapeCase('', 'Thank you.', { kind: 'silence' }), { ...ON, nonSpeechKinds: null })).toEqual([]);
    expect(kinds(shapeCase('Thank you.', 'thank you', { kind: 'silence' }))).toEqual([]);
    expect(kinds(shapeCase('hush', '', { kind: 'silence' }))).toEqual([]);
    expect(kinds(shapeCase('hush', 'Thank you.', { kind: 'speech' }))).not.toContain('non-speech-text');
  });

  it('NaN/Inf logits', () => {
    expect(kinds(shapeCase(SENTENCE, SENTENCE, { nonFiniteLogits: 3 }))).toEqual(['non-finite-logits']);
    expect(kinds(shapeCase(SENTENCE, SENTENCE, { nonFiniteLogits: 3 }), { ...ON, nonFiniteLogits: false })).toEqual([]);
  });

  it('truncation: under half the baseline\'s words, or more than 3 words missing at the tail', () => {
    const words = SENTENCE.split(' ');
    expect(kinds(shapeCase(SENTENCE, words.slice(0, 4).join(' ')))).toEqual(['truncation']);
    const tail = shapeCase(SENTENCE, words.slice(0, -4).join(' '));
    expect(tailDeletions(tail.alignment)).toBe(4);
    expect(failureShapes(tail, ON)).toEqual([expect.objectContaining({ kind: 'truncation', metric: 'tailDeletions', observed: 4 })]);
    expect(kinds(tail, { ...ON, maxTailDeletions: null })).toEqual([]);
    expect(kinds(shapeCase(SENTENCE, words.slice(0, -3).join(' ')))).toEqual([]);
    // a short baseline is not judged: a 2-word case losing a word is a WER matter
    expect(kinds(shapeCase('hello there', 'hello'))).toEqual([]);
  });
});

// Each threshold's boundary, and each comparison with the baseline, pinned one at a time
// (issue 24's fresh-eyes audit: a `>` made `>=`, or the baseline's side of a rule dropped, passed every test before).
describe('failure shapes: thresholds are strict, and each rule compares with the baseline', () => {
  it('repetition loop: a ratio exactly at maxCompressionRatio does not fire, just above it does', () => {
    const loop = `${SENTENCE} ${'thank you for watching '.repeat(12)}`;
    const d = compressionRatio(loop);
    expect(kinds(shapeCase(SENTENCE, loop), { ...ON, maxCompressionRatio: d }), 'ratio == maxCompressionRatio must not fire (whisper\'s rule is "more than")').not.toContain('repetition-loop');
    expect(kinds(shapeCase(SENTENCE, loop), { ...ON, maxCompressionRatio: d - 1e-9 })).toContain('repetition-loop');
  });

  it('repeated token run: exactly maxTokenRun does not fire, one more does; a run the baseline has as long does not', () => {
    const run = (n: number) => [1, ...Array<number>(n).fill(7), 3];
    expect(longestRun(run(16))).toBe(16);
    expect(kinds(shapeCase(SENTENCE, SENTENCE, { baselineTokens: [1, 2, 3], deviceTokens: run(16) })), 'a run of exactly maxTokenRun (16) must not fire').toEqual([]);
    expect(kinds(shapeCase(SENTENCE, SENTENCE, { baselineTokens: [1, 2, 3], deviceTokens: run(17) }))).toEqual(['repeated-token-run']);
    expect(kinds(shapeCase(SENTENCE, SENTENCE, { baselineTokens: run(20), deviceTokens: run(20) })), "the baseline's own run of 20: not the device's failure").toEqual([]);
    expect(kinds(shapeCase(SENTENCE, SENTENCE, { baselineTokens: run(19), deviceTokens: run(20) })), 'one longer than the baseline\'s run fires').toEqual(['repeated-token-run']);
  });

  it('non-finite logits: a single NaN fires, none does not', () => {
    expect(kinds(shapeCase(SENTENCE, SENTENCE, { nonFiniteLogits: 1 })), 'one NaN/Inf logit must fire').toEqual(['non-finite-logits']);
    expect(kinds(shapeCase(SENTENCE, SENTENCE, { nonFiniteLogits: 0 }))).toEqual([]);
  });

  it('truncation: a baseline of exactly minBaselineWords is judged, one word fewer is not', () => {
    const five = 'alpha bravo charlie delta echo';
    expect(kinds(shapeCase(five, 'alpha bravo')), 'a 5-word baseline (= minBaselineWords) is judged').toEqual(['truncation']);
    expect(kinds(shapeCase('alpha bravo charlie delta', 'alpha'))).toEqual([]);
  });

  it('truncation: exactly minLengthRatio of the baseline\'s words is not truncation', () => {
    const words = 'one two three four five six seven eight nine ten'.split(' ');
    // the first half missing, the tail intact: the length ratio alone decides
    const half = shapeCase(words.join(' '), words.slice(5).join(' '));
    expect(tailDeletions(half.alignment)).toBe(0);
    expect(kinds(half), 'a length ratio of exactly 0.5 must not fire').toEqual([]);
    expect(kinds(shapeCase(words.join(' '), words.slice(6).join(' ')))).toEqual(['truncation']);
  });

  it('tail deletions count only the words missing at the end, not deletions before the last shared word', () => {
    const words = SENTENCE.split(' ');
    // three words dropped in the middle, one at the end
    const device = [...words.slice(0, 3), ...words.slice(6, -1)].join(' ');
    const c = shapeCase(SENTENCE, device);
    expect(tailDeletions(c.alignment), 'only the one word missing at the tail').toBe(1);
    expect(kinds(c)).toEqual([]);
  });
});
