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
