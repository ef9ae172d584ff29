import type { GateThresholds } from '../config/load-config.ts';
import { trialsNeededAtZero } from './confidence.ts';
import { chars, words } from './error-rate.ts';

/**
 * What a corpus can show before anything runs, from its size alone (the reference texts'
 * words and characters, normalized as they will be scored):
 * - for each configured claim, the units it needs without an error for its confidence bound to
 *   meet the threshold (the same Clopper-Pearson zero-error count the gate reports as
 *   "insufficient evidence"), and the utterances that makes at this corpus's mean length;
 * - the smallest WER increase the paired sign test can detect at the configured confidence:
 *   the test needs `minWorse` utterances worse and none better (two-sided p = 2 x 0.5^k <= 1 -
 *   confidence), and each worse utterance adds at least one word error, so no increase below
 *   minWorse / words can be detected on this corpus. It is a floor reached only in the best case
 *   (errors spread one per utterance); real differences cluster and need more, which the run's
 *   own interval and MAPSSWE then show.
 */
export interface ClaimPower {
  claim: 'maxWer' | 'maxCer' | 'minExactMatchRate' | 'maxWerIncrease';
  threshold: number;
  unit: 'words' | 'characters' | 'utterances';
  /** Units the claim needs (at zero errors; for maxWerIncrease, words for the sign test's floor to reach it). */
  needs: number;
  have: number;
  /** `needs` as utterances of this corpus's mean length (rounded up); null where the corpus has no reference text to measure a length from. */
  utterancesNeeded: number | null;
  enough: boolean;
}

export interface CorpusPower {
  confidence: number;
  utterances: number;
  /** Utterances with reference text, and their words and characters (normalized). */
  withReference: number;
  refWords: number;
  refChars: number;
  /** Utterances the sign test needs worse, none better, to reject "no difference". */
  minWorse: number;
  /** minWorse / refWords: the smallest detectable WER increase (absolute), null without reference text or with fewer utterances than minWorse. */
  minDetectableWerIncrease: number | null;
  claims: ClaimPower[];
  method: string;
}

/** The smallest k with 2 x 0.5^k <= 1 - confidence: how many one-sided signs a two-sided sign test needs. */
export function signTestMinimum(confidence: number): number {
  return Math.max(1, Math.ceil(Math.log2(2 / (1 - confidence))));
}

export function corpusPower(texts: readonly string[], t: Pick<GateThresholds, 'maxWer' | 'maxCer' | 'minExactMatchRate' | 'confidence'> & Partial<Pick<GateThresholds, 'maxWerIncrease'>>, normalize: (s: string) => string, cerSpaces: 'include' | 'exclude'): CorpusPower {
  const scored = texts.map(normalize).filter((s) => s.trim());
  const refWords = scored.reduce((n, s) => n + words(s).length, 0);
  const refChars = scored.reduce((n, s) => n + chars(s, cerSpaces).length, 0);
  const c = t.confidence;
  const minWorse = signTestMinimum(c);
  const perUtt = (units: number, have: number) => (have && scored.length ? Math.ceil(units / (have / scored.length)) : null);
  const claim = (name: ClaimPower['claim'], threshold: number, unit: ClaimPower['unit'], needs: number, have: number): ClaimPower => ({
    claim: name,
    threshold,
    unit,
    needs,
    have,
    utterancesNeeded: unit === 'utterances' ? needs : perUtt(needs, have),
    enough: have >= needs,
  });
  const claims = [
    claim('maxWer', t.maxWer, 'words', trialsNeededAtZero(t.maxWer, c), refWords),
    claim('maxCer', t.maxCer, 'characters', trialsNeededAtZero(t.maxCer, c), refChars),
    claim('minExactMatchRate', t.minExactMatchRate, 'utterances', trialsNeededAtZero(1 - t.minExactMatchRate, c), texts.length),
  ];
  if (t.maxWerIncrease) claims.push(claim('maxWerIncrease', t.maxWerIncrease, 'words', Math.ceil(minWorse / t.maxWerIncrease), refWords));
  return {
    confidence: c,
    utterances: texts.length,
    withReference: scored.length,
    refWords,
    refChars,
    minWorse,
    minDetectableWerIncrease: refWords && scored.length >= minWorse ? minWorse / refWords : null,
    claims,
    method: 'zero-error Clopper-Pearson counts per claim; sign-test floor minWorse / words (best case: one extra error in each of minWorse utterances, none better)',
  };
}
