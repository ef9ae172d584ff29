import type { RecordedCorpus, RecordedGroundTruth, RecordedThresholds } from './report-types.ts';

/** The scores against reference text in words, for the terminal and the Markdown report alike. */
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;
const pValue = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

/** One backend's corpus score against the reference, as one phrase. */
export function truthScore(c: RecordedCorpus): string {
  return `WER ${pct(c.wer)} (S=${c.substitutions} D=${c.deletions} I=${c.insertions} of ${c.refWords} words), CER ${pct(c.cer)}`;
}

/** The device-minus-baseline difference: value, interval, sign test, and what the gate made of it. */
export function truthDifference(g: RecordedGroundTruth, t: Pick<RecordedThresholds, 'evidence' | 'maxWerIncrease'>): string {
  const d = g.difference;
  const s = d.sign;
  const rule = t.maxWerIncrease === undefined ? 'no maxWerIncrease set' : `allowed at most ${points(t.maxWerIncrease)} (judged on ${t.evidence === 'bound' ? 'the upper end of the interval' : 'the observed difference, evidence "point"'})`;
  return `device minus baseline ${points(d.difference)} WER points, ${pct(d.confidence)} interval ${points(d.lower)} to ${points(d.upper)} (paired bootstrap over ${d.utterances} utterances); sign test: device worse in ${s.worse}, better in ${s.better}, tied in ${s.ties}, p = ${pValue(s.pValue)}; ${g.mapsswe ? `MAPSSWE (NIST sc_stats): ${g.mapsswe.segments} segments, device minus baseline ${g.mapsswe.mean.toFixed(3)} errors per segment, Z = ${g.mapsswe.z.toFixed(3)}, p = ${pValue(g.mapsswe.pValue)}; ` : ''}${rule}`;
}

/** Which cases were left out, and why, so the scored set is never a silent subset. */
export function truthCoverage(g: RecordedGroundTruth): string {
  const n = g.withoutReference.length;
  return `${g.utterances} case${g.utterances === 1 ? '' : 's'} with reference text, normalizer ${g.normalizer}${n ? `; ${n} without (not scored against a reference: ${g.withoutReference.slice(0, 5).join(', ')}${n > 5 ? ', ...' : ''})` : ''}`;
}
