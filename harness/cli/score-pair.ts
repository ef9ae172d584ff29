import { UsageError } from '../errors.ts';
import { scoreCorpus, scoreUtterance, type UtteranceScore } from '../score/error-rate.ts';
import { getNormalizer } from '../score/normalizers.ts';
import { pairedWerDifference } from '../score/paired-difference.ts';
import { parseTrn } from '../score/trn.ts';
import { truthScore } from '../report/format-ground-truth.ts';
import { print } from './terminal.ts';

export interface ScorePairFlags {
  ref: string;
  hyp: [string, string];
  normalize: string;
  json?: boolean;
  confidence?: number;
}

const errors = (u: UtteranceScore) => u.substitutions + u.deletions + u.insertions;
const counts = (u: UtteranceScore) => ({ wer: u.wer, cer: u.cer, substitutions: u.substitutions, deletions: u.deletions, insertions: u.insertions });
const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;

/**
 * `score --ref R --hyp A --hyp B`: each hypothesis against the reference, and B minus A with
 * the same paired interval and sign test the gate reports (harness/score/paired-difference.ts).
 * An utterance missing from a hypothesis file is scored as empty, as a single --hyp does.
 */
export function scorePairCommand(o: ScorePairFlags): void {
  const normalize = getNormalizer(o.normalize as 'none' | 'basic' | 'english');
  const ref = parseTrn(o.ref);
  const scored = o.hyp.map((file) => {
    const hyp = parseTrn(file);
    for (const id of hyp.keys()) if (!ref.has(id)) throw new UsageError(file, `utterance "${id}" has no reference in ${o.ref}`, 'both files must list the same ids');
    return [...ref].map(([id, r]) => scoreUtterance(id, normalize(r), normalize(hyp.get(id) ?? '')));
  });
  const [a, b] = scored as [UtteranceScore[], UtteranceScore[]];
  const confidence = o.confidence ?? 0.95;
  const d = pairedWerDifference(a.map((x, i) => ({ id: x.id, units: x.refWords, errorsA: errors(x), errorsB: errors(b[i]!) })), confidence);
  const [ca, cb] = [scoreCorpus(a), scoreCorpus(b)];
  if (o.json) {
    const corpus = (c: typeof ca) => ({ wer: c.wer, cer: c.cer, hits: c.hits, substitutions: c.substitutions, deletions: c.deletions, insertions: c.insertions, refWords: c.refWords, utterances: c.utterances, exactMatchRate: c.exactMatchRate });
    print(JSON.stringify({ ref: o.ref, normalizer: o.normalize, hyps: [{ file: o.hyp[0], ...corpus(ca) }, { file: o.hyp[1], ...corpus(cb) }], difference: d, utterances: a.map((x, i) => ({ id: x.id, refWords: x.refWords, a: counts(x), b: counts(b[i]!) })) }));
    return;
  }
  print(`${o.hyp[0]}: ${truthScore(ca)}`);
  print(`${o.hyp[1]}: ${truthScore(cb)}`);
  const s = d.sign;
  print(`second minus first: ${points(d.difference)} WER points, ${(100 * confidence).toFixed(0)}% interval ${points(d.lower)} to ${points(d.upper)} (paired bootstrap over ${d.utterances} utterances); sign test: second worse in ${s.worse}, better in ${s.better}, tied in ${s.ties}, p = ${s.pValue < 0.001 ? '< 0.001' : s.pValue.toFixed(3)}`);
}
