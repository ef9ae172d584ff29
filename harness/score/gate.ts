import { scoreCorpus, scoreUtterance, type CorpusScore, type UtteranceScore } from './error-rate.ts';

/** The acceptance rule of the reference report: device transcripts must match the baseline's. */
export interface Thresholds {
  /** WER must be below this, per case and corpus-wide (0.01 = 1%). */
  maxWer: number;
  maxCer: number;
  /** Share of cases whose transcripts match exactly, at least this. */
  minExactMatchRate: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.99 };

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
export function evaluateGate(pairs: readonly PairedTranscript[], normalize: (s: string) => string, t: Thresholds = DEFAULT_THRESHOLDS): GateResult {
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
