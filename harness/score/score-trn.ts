import { UsageError } from '../errors.ts';
import { scoreCorpus, scoreUtterance, type CorpusScore, type ScoreOptions, type UtteranceScore } from './error-rate.ts';
import { getNormalizer } from './normalizers.ts';
import { pairedWerDifference, type PairedDifference } from './paired-difference.ts';
import { parseTrn } from './trn.ts';

/**
 * A hypothesis trn against its reference, utterance by utterance in the reference's order, both
 * sides normalized alike. An utterance the hypothesis lacks is scored as empty (all deletions);
 * one the reference lacks is bad input, named with its file.
 */
function scoreAgainst(refPath: string, ref: Map<string, string>, hypPath: string, normalize: (s: string) => string, opts?: ScoreOptions): UtteranceScore[] {
  const hyp = parseTrn(hypPath);
  for (const id of hyp.keys()) if (!ref.has(id)) throw new UsageError(hypPath, `utterance "${id}" has no reference in ${refPath}`, 'both files must list the same ids');
  return [...ref].map(([id, r]) => scoreUtterance(id, normalize(r), normalize(hyp.get(id) ?? ''), opts));
}

/** `score --ref R --hyp H`: each utterance's score and the corpus figures. */
export function scoreTrnFiles(refPath: string, hypPath: string, o: { normalizer: string; cerSpaces: NonNullable<ScoreOptions['cerSpaces']> }): { utterances: UtteranceScore[]; corpus: CorpusScore } {
  const normalize = getNormalizer(o.normalizer);
  const utterances = scoreAgainst(refPath, parseTrn(refPath), hypPath, normalize, { cerSpaces: o.cerSpaces });
  return { utterances, corpus: scoreCorpus(utterances) };
}

export interface ScoredPair {
  /** Each hypothesis's utterances, in the reference's order (so a[i] and b[i] are one utterance). */
  utterances: [UtteranceScore[], UtteranceScore[]];
  corpus: [CorpusScore, CorpusScore];
  /** B minus A: the paired interval and sign test the gate reports. */
  difference: PairedDifference;
}

const errors = (u: UtteranceScore) => u.substitutions + u.deletions + u.insertions;

/** `score --ref R --hyp A --hyp B`: both hypotheses against the reference, and B minus A paired by utterance. */
export function scoreTrnPair(refPath: string, hypPaths: readonly [string, string], o: { normalizer: string; confidence: number }): ScoredPair {
  const normalize = getNormalizer(o.normalizer);
  const ref = parseTrn(refPath);
  const [a, b] = hypPaths.map((file) => scoreAgainst(refPath, ref, file, normalize)) as [UtteranceScore[], UtteranceScore[]];
  const difference = pairedWerDifference(a.map((x, i) => ({ id: x.id, units: x.refWords, errorsA: errors(x), errorsB: errors(b[i]!) })), o.confidence);
  return { utterances: [a, b], corpus: [scoreCorpus(a), scoreCorpus(b)], difference };
}
