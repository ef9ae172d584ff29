import { seededRandom } from '../io/seeded-random.ts';
import { binomialCdf } from './confidence.ts';

/**
 * Two systems scored against the same references, compared utterance by utterance: how much
 * higher B's corpus WER is than A's, with a paired bootstrap interval (utterances resampled
 * together, so both systems see the same draw and the difference keeps its pairing), and a
 * matched-pairs sign test on which system made more errors in each utterance.
 */

/** One utterance's word errors for each system, against the same reference. */
export interface PairedItem {
  id: string;
  /** Reference words (the denominator of WER). */
  units: number;
  errorsA: number;
  errorsB: number;
}

export interface SignTest {
  /** Utterances where B made more errors than A. */
  worse: number;
  /** Utterances where B made fewer. */
  better: number;
  ties: number;
  /** Two-sided exact binomial p-value over the untied utterances (ties dropped); 1 when all tie. */
  pValue: number;
}

export interface PairedDifference {
  /** Corpus WER of B minus corpus WER of A (pooled errors over pooled reference words). */
  difference: number;
  /** Two-sided percentile interval of the paired bootstrap at `confidence`. */
  lower: number;
  upper: number;
  confidence: number;
  utterances: number;
  units: number;
  sign: SignTest;
  method: string;
}

/** WER from pooled counts, with the same convention as the scorer: an empty reference counts each error as 1. */
function pooled(errors: number, units: number): number {
  return units ? errors / units : errors;
}

/**
 * The sign test as in textbooks (and as NIST sc_stats' "sign" test, but with ties dropped rather
 * than split between the two sides): under no difference, each untied utterance is a fair coin.
 */
export function signTest(items: readonly PairedItem[]): SignTest {
  const worse = items.filter((x) => x.errorsB > x.errorsA).length;
  const better = items.filter((x) => x.errorsB < x.errorsA).length;
  const n = worse + better;
  const pValue = n === 0 ? 1 : Math.min(1, 2 * binomialCdf(Math.min(worse, better), n, 0.5));
  return { worse, better, ties: items.length - n, pValue };
}

export function pairedWerDifference(items: readonly PairedItem[], confidence: number, resamples = 2000, seed = 1): PairedDifference {
  const units = items.reduce((s, x) => s + x.units, 0);
  const diff = (xs: Iterable<PairedItem>) => {
    let u = 0;
    let a = 0;
    let b = 0;
    for (const x of xs) {
      u += x.units;
      a += x.errorsA;
      b += x.errorsB;
    }
    return pooled(b, u) - pooled(a, u);
  };
  const difference = diff(items);
  let lower = difference;
  let upper = difference;
  // with no utterance differing, every resample gives the same difference: skip the loop
  if (items.length > 1 && items.some((x) => x.errorsA !== x.errorsB)) {
    const rnd = seededRandom(seed);
    const draws: number[] = [];
    const pick: PairedItem[] = new Array(items.length);
    for (let r = 0; r < resamples; r++) {
      for (let i = 0; i < items.length; i++) pick[i] = items[Math.floor(rnd() * items.length)]!;
      draws.push(diff(pick));
    }
    draws.sort((x, y) => x - y);
    // the same number of draws left out below and above: (1 - 0.9) / 2 * 2000 is 99.99999999999997
    // in floating point, and flooring it apart from the upper end gave the 90% interval 99 draws
    // below and 100 above
    const outside = Math.floor(((1 - confidence) / 2) * resamples + 1e-9);
    lower = draws[outside]!;
    upper = draws[resamples - 1 - outside]!;
  }
  return {
    difference,
    lower,
    upper,
    confidence,
    utterances: items.length,
    units,
    sign: signTest(items),
    method: `paired bootstrap over utterances (${resamples} resamples, seed ${seed}, percentile interval); sign test over utterances, ties dropped`,
  };
}
