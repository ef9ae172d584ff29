import { scoreCorpus, scoreUtterance, type CorpusScore, type UtteranceScore } from './error-rate.ts';
import { mapsswe, type Mapsswe } from './mapsswe.ts';
import { pairedWerDifference, type PairedDifference } from './paired-difference.ts';

/**
 * Parity with the baseline says the port did not change the transcripts; the reference text
 * says whether either is right. Where cases carry what was said, both backends are scored
 * against it (same normalizer as the parity scores), and the device's WER is compared with the
 * baseline's utterance by utterance: the number a porting engineer needs is "how much worse
 * against the truth", with an interval, not two WERs side by side.
 */

/** One case as both backends transcribed it, with what was said ('' when the case carries no reference text). */
export interface TruthRow {
  id: string;
  reference: string;
  baseline: string;
  device: string;
}

/** A case's errors against the reference, per backend. */
export interface TruthCounts {
  wer: number;
  cer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

export interface TruthCase {
  id: string;
  refWords: number;
  baseline: TruthCounts;
  device: TruthCounts;
}

export interface GroundTruth {
  /** Cases scored: those with reference text. */
  utterances: number;
  /** Cases left out because they carry no reference text (by id), so the scored set is never a silent subset. */
  withoutReference: string[];
  normalizer: string;
  baseline: CorpusScore;
  device: CorpusScore;
  /** Device WER minus baseline WER against the reference, with its paired interval and sign test. */
  difference: PairedDifference;
  /** NIST's matched-pair segment test on the same alignments: A is the device, B the baseline (mean > 0: the device makes more errors). */
  mapsswe: Mapsswe;
  cases: TruthCase[];
}

function counts(u: UtteranceScore): TruthCounts {
  return { wer: u.wer, cer: u.cer, substitutions: u.substitutions, deletions: u.deletions, insertions: u.insertions };
}

const wordErrors = (u: UtteranceScore) => u.substitutions + u.deletions + u.insertions;

/** Null when no case carries reference text: there is nothing to score against. */
export function scoreAgainstReference(rows: readonly TruthRow[], normalize: (s: string) => string, normalizer: string, confidence: number): GroundTruth | null {
  const withText = rows.filter((r) => r.reference.trim());
  if (!withText.length) return null;
  const base = withText.map((r) => scoreUtterance(r.id, normalize(r.reference), normalize(r.baseline)));
  const dev = withText.map((r) => scoreUtterance(r.id, normalize(r.reference), normalize(r.device)));
  const difference = pairedWerDifference(
    base.map((b, i) => ({ id: b.id, units: b.refWords, errorsA: wordErrors(b), errorsB: wordErrors(dev[i]!) })),
    confidence,
  );
  return {
    utterances: withText.length,
    withoutReference: rows.filter((r) => !r.reference.trim()).map((r) => r.id),
    normalizer,
    baseline: scoreCorpus(base),
    device: scoreCorpus(dev),
    difference,
    mapsswe: mapsswe(base.map((b, i) => ({ a: dev[i]!.alignment.pairs, b: b.alignment.pairs }))),
    cases: base.map((b, i) => ({ id: b.id, refWords: b.refWords, baseline: counts(b), device: counts(dev[i]!) })),
  };
}
