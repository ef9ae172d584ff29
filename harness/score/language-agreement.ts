import type { LanguageDetection } from '../../backends/types.ts';
import type { Finding } from './finding.ts';

export interface LanguageAgreementSettings {
  /** Whether the check is made at all (config failureShapes.languageAgreement). */
  languageAgreement: boolean;
  /** The baseline's language: its probability on the device may differ from the baseline's by at most this; null: the languages only. */
  maxLanguageProbabilityDiff: number | null;
}

/**
 * Below this the baseline itself cannot tell its language from the device's pick (a probe with no
 * speech gives every language about 1/100): there is no detected language to disagree with, and
 * only the probability is compared.
 */
export const LANGUAGE_TIE_MARGIN = 0.01;

const p = (d: LanguageDetection, l: string) => d.probabilities[l] ?? 0;
const f3 = (x: number) => x.toFixed(3);

/**
 * Language identification on the device against the baseline on one case (faster-whisper #310:
 * misdetection on the device path only): the language the device picks must be the baseline's,
 * and the probability it gives the baseline's language within maxLanguageProbabilityDiff of the
 * baseline's own. Pure.
 */
export function languageAgreement(id: string, baseline: LanguageDetection, device: LanguageDetection, s: LanguageAgreementSettings): Finding[] {
  if (!s.languageAgreement) return [];
  const b = baseline.language;
  const d = device.language;
  if (d !== b && p(baseline, b) - p(baseline, d) > LANGUAGE_TIE_MARGIN) {
    return [{ kind: 'language-mismatch', case: id, message: `${id}: the device detects language "${d}" (p ${f3(p(device, d))}), the baseline "${b}" (p ${f3(p(baseline, b))}; the device gives it ${f3(p(device, b))})` }];
  }
  const diff = Math.abs(p(device, b) - p(baseline, b));
  if (s.maxLanguageProbabilityDiff !== null && diff > s.maxLanguageProbabilityDiff) {
    return [{ kind: 'language-mismatch', case: id, metric: 'languageProbability', observed: diff, limit: s.maxLanguageProbabilityDiff, message: `${id}: the probability of language "${b}" is ${f3(p(device, b))} on the device, ${f3(p(baseline, b))} on the baseline (differs by ${f3(diff)} > ${s.maxLanguageProbabilityDiff})` }];
  }
  return [];
}
