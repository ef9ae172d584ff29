import { UsageError } from '../../errors.ts';
import { formatPra } from '../../score/pra.ts';
import { scoreTrnFiles, scoreTrnPair } from '../../score/score-trn.ts';
import { scoringConvention } from '../../score/scoring-convention.ts';
import { truthScore } from '../../report/format-ground-truth.ts';
import { writeFileAtomic } from '../../report/write-atomic.ts';
import type { CerSpaces, CorpusScore, UtteranceScore } from '../../score/error-rate.ts';
import { print } from '../terminal.ts';

export interface ScoreFlags {
  ref: string;
  hyp: string[];
  normalize: string;
  cerSpaces: CerSpaces;
  json?: boolean;
  pra?: string;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * `asr-parity score`: WER, CER, MER/WIL/WIP of a hypothesis trn against a reference trn
 * (harness/score/score-trn.ts), per-utterance results and alignments as JSON (--json), sclite's
 * .pra listing (--pra); with two --hyp, both and B minus A, paired.
 */
export function run(flags: ScoreFlags): void {
  if (flags.hyp.length > 2) throw new UsageError('--hyp', `given ${flags.hyp.length} times`, 'give one hypothesis file, or two to compare');
  if (flags.hyp.length === 2) return scorePair({ ...flags, hyp: [flags.hyp[0]!, flags.hyp[1]!] });
  const o = { ...flags, hyp: flags.hyp[0]! };
  const { utterances: utts, corpus: c } = scoreTrnFiles(o.ref, o.hyp, { normalizer: o.normalize, cerSpaces: o.cerSpaces });
  // sclite names the system by the hypothesis path as given on its command line
  if (o.pra) writeFileAtomic(o.pra, formatPra(utts, o.hyp));
  const scoring = scoringConvention(o.normalize, o.cerSpaces);
  if (o.json) {
    const perUtterance = utts.map((u) => ({
      id: u.id,
      ref: u.ref,
      hyp: u.hyp,
      hits: u.hits,
      substitutions: u.substitutions,
      deletions: u.deletions,
      insertions: u.insertions,
      refWords: u.refWords,
      refChars: u.refChars,
      charErrors: u.charErrors,
      wer: u.wer,
      cer: u.cer,
      mer: u.mer,
      wil: u.wil,
      wip: u.wip,
      exact: u.exact,
      levenshtein: u.levenshtein,
      alignment: u.alignment.pairs,
    }));
    // corpus figures at the top level (as before), the conventions, then one entry per utterance
    print(JSON.stringify({ ...c, ref: o.ref, hyp: o.hyp, scoring, perUtterance }));
  } else {
    print(`WER ${pct(c.wer)} (S=${c.substitutions} D=${c.deletions} I=${c.insertions} of ${c.refWords} words), CER ${pct(c.cer)} (${o.cerSpaces === 'include' ? 'with' : 'without'} spaces), MER ${pct(c.mer)}, WIL ${pct(c.wil)}, WIP ${pct(c.wip)}, ${c.utterances} utterances; normalizer ${scoring.normalizerVersion}${o.pra ? `; alignments in ${o.pra}` : ''}`);
  }
}

const counts = (u: UtteranceScore) => ({ wer: u.wer, cer: u.cer, substitutions: u.substitutions, deletions: u.deletions, insertions: u.insertions });
const corpusJson = (c: CorpusScore) => ({ wer: c.wer, cer: c.cer, hits: c.hits, substitutions: c.substitutions, deletions: c.deletions, insertions: c.insertions, refWords: c.refWords, utterances: c.utterances, exactMatchRate: c.exactMatchRate });
const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;

/** `score --ref R --hyp A --hyp B`: each hypothesis, and B minus A with the paired interval and sign test the gate reports. */
function scorePair(o: Omit<ScoreFlags, 'hyp'> & { hyp: [string, string] }): void {
  const confidence = 0.95;
  const { utterances: [a, b], corpus: [ca, cb], difference: d } = scoreTrnPair(o.ref, o.hyp, { normalizer: o.normalize, confidence });
  if (o.json) {
    print(JSON.stringify({ ref: o.ref, normalizer: o.normalize, hyps: [{ file: o.hyp[0], ...corpusJson(ca) }, { file: o.hyp[1], ...corpusJson(cb) }], difference: d, utterances: a.map((x, i) => ({ id: x.id, refWords: x.refWords, a: counts(x), b: counts(b[i]!) })) }));
    return;
  }
  print(`${o.hyp[0]}: ${truthScore(ca)}`);
  print(`${o.hyp[1]}: ${truthScore(cb)}`);
  const s = d.sign;
  print(`second minus first: ${points(d.difference)} WER points, ${(100 * confidence).toFixed(0)}% interval ${points(d.lower)} to ${points(d.upper)} (paired bootstrap over ${d.utterances} utterances); sign test: second worse in ${s.worse}, better in ${s.better}, tied in ${s.ties}, p = ${s.pValue < 0.001 ? '< 0.001' : s.pValue.toFixed(3)}`);
}
