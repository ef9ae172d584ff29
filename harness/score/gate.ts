import type { GateThresholds } from '../config/load-config.ts';
import { scoreCorpus, scoreUtterance, type CorpusScore, type UtteranceScore } from './error-rate.ts';
import type { TokenParitySummary } from './token-parity.ts';

/**
 * The acceptance rule of the reference report, and the one place where a threshold is applied:
 * device transcripts must match the baseline's, WER and CER below their maxima per case and
 * corpus-wide, exact-match rate at least its minimum, and (where measured) teacher-forced top-1
 * agreement on decisive steps at least its minimum. The defaults live in the config schema.
 */
export type Thresholds = Pick<GateThresholds, 'maxWer' | 'maxCer' | 'minExactMatchRate'>;

export interface TranscriptScores {
  corpus: CorpusScore;
  cases: UtteranceScore[];
}

export interface PairedTranscript {
  id: string;
  baseline: string;
  device: string;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Scores each device transcript against the baseline's (the baseline is the reference) after normalising both. */
export function scoreTranscripts(pairs: readonly PairedTranscript[], normalize: (s: string) => string): TranscriptScores {
  const cases = pairs.map((p) => scoreUtterance(p.id, normalize(p.baseline), normalize(p.device)));
  return { corpus: scoreCorpus(cases), cases };
}

/** Whether teacher-forced agreement meets its threshold. */
export function tokenParityPasses(s: TokenParitySummary, t: Pick<GateThresholds, 'minTop1Agreement'>): boolean {
  return s.decisiveTop1Agreement >= t.minTop1Agreement;
}

/** Every threshold the scores miss, one line each; none means the accuracy gate passes. */
export function gateFailures(scores: TranscriptScores, tokenParity: TokenParitySummary | undefined, t: Thresholds & Partial<Pick<GateThresholds, 'minTop1Agreement'>>): string[] {
  const { cases, corpus } = scores;
  const failures: string[] = [];
  for (const c of cases) {
    if (!(c.wer < t.maxWer)) failures.push(`${c.id}: WER ${pct(c.wer)} >= ${pct(t.maxWer)}`);
    if (!(c.cer < t.maxCer)) failures.push(`${c.id}: CER ${pct(c.cer)} >= ${pct(t.maxCer)}`);
  }
  if (!(corpus.wer < t.maxWer)) failures.push(`corpus: WER ${pct(corpus.wer)} >= ${pct(t.maxWer)}`);
  if (!(corpus.cer < t.maxCer)) failures.push(`corpus: CER ${pct(corpus.cer)} >= ${pct(t.maxCer)}`);
  if (!(corpus.exactMatchRate >= t.minExactMatchRate)) failures.push(`corpus: exact match ${pct(corpus.exactMatchRate)} < ${pct(t.minExactMatchRate)}`);
  if (tokenParity && t.minTop1Agreement !== undefined && !tokenParityPasses(tokenParity, { minTop1Agreement: t.minTop1Agreement })) {
    failures.push(`corpus: teacher-forced top-1 agreement on decisive steps ${pct(tokenParity.decisiveTop1Agreement)} < ${pct(t.minTop1Agreement)}`);
  }
  return failures;
}
