import type { CorpusPower } from '../score/corpus-power.ts';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const count = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : 'no number of');

/** What a corpus can show before a run (corpus-power.ts), as lines for the terminal and the Markdown report. */
export function powerLines(p: CorpusPower): string[] {
  const head = `corpus: ${p.utterances} utterance${p.utterances === 1 ? '' : 's'}, ${p.withReference} with reference text (${p.refWords} words, ${p.refChars} characters)`;
  const floor =
    p.minDetectableWerIncrease === null
      ? `the sign test cannot detect a WER increase here: it needs at least ${p.minWorse} utterances with reference text`
      : `smallest WER increase the paired sign test can detect at ${pct(p.confidence)}: ${(100 * p.minDetectableWerIncrease).toFixed(2)} points (${p.minWorse} utterances worse, none better, one error each; a floor: clustered errors need more)`;
  const claims = p.claims.map((c) => `${c.claim} ${pct(c.threshold)} needs ${count(c.needs)} ${c.unit}${c.claim === 'maxWerIncrease' ? ' for the sign test to reach it' : ' without an error'} (${c.utterancesNeeded === null ? 'no reference text to count utterances by' : `about ${count(c.utterancesNeeded)} utterances`}), has ${count(c.have)}: ${c.enough ? 'enough' : 'not enough'}`);
  return [head, floor, ...claims];
}
