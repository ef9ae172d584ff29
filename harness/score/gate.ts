import type { GateThresholds } from '../config/load-config.ts';
import { scoreCorpus, scoreUtterance, type CorpusScore, type UtteranceScore } from './error-rate.ts';

/**
 * The acceptance rule of the reference report: device transcripts must match the baseline's.
 * WER and CER below their maxima per case and corpus-wide, exact-match rate at least its minimum.
 * The defaults live in one place, the config schema.
 */
export type Thresholds = Pick<GateThresholds, 'maxWer' | 'maxCer' | 'minExactMatchRate'>;

export interface GateResult {
  passed: boolean;
  failures: string[];
  corpus: CorpusScore;
  cases: UtteranceScore[];
}

export interface PairedTranscript {
  id: string;
  baseline: string;
  device: string;
}

/** Scores each device transcript against the baseline's (the baseline is the reference) after normalising both. */
export function evaluateGate(pairs: readonly PairedTranscript[], normalize: (s: string) => string, t: Thresholds): GateResult {
  const cases = pairs.map((p) => scoreUtterance(p.id, normalize(p.baseline), normalize(p.device)));
  const corpus = scoreCorpus(cases);
  const failures: string[] = [];
  for (const c of cases) {
    if (!(c.wer < t.maxWer)) failures.push(`${c.id}: WER ${(100 * c.wer).toFixed(2)}% >= ${(100 * t.maxWer).toFixed(2)}%`);
    if (!(c.cer < t.maxCer)) failures.push(`${c.id}: CER ${(100 * c.cer).toFixed(2)}% >= ${(100 * t.maxCer).toFixed(2)}%`);
  }
  if (!(corpus.wer < t.maxWer)) failures.push(`corpus: WER ${(100 * corpus.wer).toFixed(2)}% >= ${(100 * t.maxWer).toFixed(2)}%`);
  if (!(corpus.cer < t.maxCer)) failures.push(`corpus: CER ${(100 * corpus.cer).toFixed(2)}% >= ${(100 * t.maxCer).toFixed(2)}%`);
  if (!(corpus.exactMatchRate >= t.minExactMatchRate)) failures.push(`corpus: exact match ${(100 * corpus.exactMatchRate).toFixed(2)}% < ${(100 * t.minExactMatchRate).toFixed(2)}%`);
  return { passed: failures.length === 0, failures, corpus, cases };
}
