import type { AlignedPair } from './align.ts';

/**
 * NIST's Matched Pair Sentence Segment Word Error test (MAPSSWE; Gillick and Cox 1989), as
 * sctk's `sc_stats -t mapsswe` computes it (src/sclite/mtchprs.c, test_comp_sents): each
 * utterance is cut into segments where both systems are wrong somewhere, bounded by at least
 * `minGood` (sc_stats: 2) reference words both got right, so errors in one segment do not
 * depend on errors in another. The per-segment difference in errors (A minus B) is then tested
 * with a normal approximation: Z = mean / (sd / sqrt(n)). Unlike the sign test it weighs how
 * many more errors a system makes where it is worse, and unlike the utterance bootstrap it uses
 * finer units than utterances, so it sees smaller differences on the same corpus.
 */
export interface Mapsswe {
  /** Reference words both systems got right that close a segment (sc_stats' "Minimum Number of Correct Boundary words"). */
  minGood: number;
  segments: number;
  /** Errors of A and of B within the segments, and the segments' reference words (sc_stats' segmentation report). */
  errorsA: number;
  errorsB: number;
  refWords: number;
  /** Mean and sample standard deviation of A's errors minus B's per segment; Z is mean / (sd / sqrt(segments)), 0 when sd is 0. */
  mean: number;
  stdDev: number;
  z: number;
  /** Two-sided p-value of Z under the standard normal. */
  pValue: number;
  method: string;
}

/** The segments of one utterance, each as [errors of A, errors of B, reference words] (mtchprs.c's state machine, b/e/g). */
function segmentsOf(a: readonly AlignedPair[], b: readonly AlignedPair[], minGood: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const count = (p: readonly AlignedPair[], from: number, to: number): [number, number] => {
    let err = 0;
    let ref = 0;
    for (let i = Math.max(0, from); i <= to; i++) {
      if (p[i]!.op !== 'C') err++;
      if (p[i]!.op !== 'I') ref++;
    }
    return [err, ref];
  };
  const store = (b1: number, b2: number, e1: number, e2: number) => {
    const [err1, ref1] = count(a, b1, e1);
    const [err2, ref2] = count(b, b2, e2);
    // sc_stats drops a segment with no error on either side (and warns)
    if (err1 || err2) out.push([err1, err2, Math.floor((ref1 + ref2) / 2)]);
  };
  const corr = (p: readonly AlignedPair[], i: number) => i < p.length && p[i]!.op === 'C';
  let i1 = 0;
  let i2 = 0;
  let eog1 = 0;
  let eog2 = 0;
  let good = 0;
  let state: 'b' | 'e' | 'g' = 'b';
  while (i1 < a.length) {
    while (i1 < a.length && a[i1]!.op === 'I') (i1++, (state = 'e'));
    while (i2 < b.length && b[i2]!.op === 'I') (i2++, (state = 'e'));
    // mtchprs.c re-synchronises the two paths here when a reference has alternations; ours has
    // none, so after insertions both paths stand on the same reference word
    const both = corr(a, i1) && corr(b, i2);
    if (state === 'b') {
      if (both) (eog1 = i1), (eog2 = i2);
      else state = 'e';
    } else if (both) {
      good = state === 'e' ? 1 : good + 1;
      if (good === minGood) {
        store(eog1 - (minGood - 1), eog2 - (minGood - 1), i1, i2);
        (eog1 = i1), (eog2 = i2), (state = 'b');
      } else state = 'g';
    } else if (state === 'g') state = 'e';
    if (i1 < a.length) i1++;
    if (i2 < b.length) i2++;
  }
  if (state !== 'b' || b.length > i2) store(eog1 - (minGood - 1), eog2 - (minGood - 1), a.length - 1, b.length - 1);
  return out;
}

/** The standard normal CDF (Abramowitz and Stegun 26.2.17 through erfc's rational approximation 7.1.26; error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** MAPSSWE over a corpus: each utterance's word alignment of system A and of system B against the same reference. */
export function mapsswe(utterances: readonly { a: readonly AlignedPair[]; b: readonly AlignedPair[] }[], minGood = 2): Mapsswe {
  const segs = utterances.flatMap((u) => segmentsOf(u.a, u.b, minGood));
  const n = segs.length;
  const diffs = segs.map(([x, y]) => x - y);
  const mean = n ? diffs.reduce((s, d) => s + d, 0) / n : 0;
  const ss = diffs.reduce((s, d) => s + (d - mean) ** 2, 0);
  const stdDev = ss && n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const z = stdDev ? mean / (stdDev / Math.sqrt(n)) : 0;
  return {
    minGood,
    segments: n,
    errorsA: segs.reduce((s, x) => s + x[0], 0),
    errorsB: segs.reduce((s, x) => s + x[1], 0),
    refWords: segs.reduce((s, x) => s + x[2], 0),
    mean,
    stdDev,
    z,
    pValue: 2 * (1 - normalCdf(Math.abs(z))),
    method: `MAPSSWE as NIST sc_stats -t mapsswe: segments bounded by ${minGood} words both systems got right, Z of the mean per-segment error difference, two-sided normal p`,
  };
}
