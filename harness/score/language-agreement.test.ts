import { describe, expect, it } from 'vitest';
import type { LanguageDetection } from '../../backends/types.ts';
import { languageAgreement } from './language-agreement.ts';

const ON = { languageAgreement: true, maxLanguageProbabilityDiff: 0.1 };
const det = (language: string, probabilities: Record<string, number>): LanguageDetection => ({ language, probabilities });
const EN = det('en', { en: 0.9, de: 0.05, nl: 0.05 });

describe('language identification agreement', () => {
  it('the same language at nearly the same probability: nothing', () => {
    expect(languageAgreement('c', EN, det('en', { en: 0.85, de: 0.1, nl: 0.05 }), ON)).toEqual([]);
  });

  it('another language on the device: a language-mismatch naming both and their probabilities', () => {
    const f = languageAgreement('c', EN, det('de', { en: 0.2, de: 0.7, nl: 0.1 }), ON);
    expect(f).toEqual([expect.objectContaining({ kind: 'language-mismatch', case: 'c' })]);
    expect(f[0]!.message).toMatch(/device detects language "de" \(p 0\.700\), the baseline "en" \(p 0\.900; the device gives it 0\.200\)/);
  });

  it('the same language, its probability far from the baseline\'s: a mismatch on the probability, with observed and limit', () => {
    expect(languageAgreement('c', EN, det('en', { en: 0.6, de: 0.3, nl: 0.1 }), ON)).toEqual([expect.objectContaining({ kind: 'language-mismatch', metric: 'languageProbability', observed: expect.closeTo(0.3, 9), limit: 0.1 })]);
    expect(languageAgreement('c', EN, det('en', { en: 0.6 }), { ...ON, maxLanguageProbabilityDiff: null })).toEqual([]);
  });

  it('a baseline that cannot tell the two languages apart (a probe with no speech): the pick is not judged, the probability is', () => {
    const flat = det('en', { en: 0.0105, de: 0.0101 });
    expect(languageAgreement('c', flat, det('de', { en: 0.0101, de: 0.0105 }), ON)).toEqual([]);
  });

  it('switched off: nothing, whatever the device says', () => {
    expect(languageAgreement('c', EN, det('de', { de: 1 }), { ...ON, languageAgreement: false })).toEqual([]);
  });
});
