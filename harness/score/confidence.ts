import { seededRandom } from '../io/seeded-random.ts';

/**
 * Confidence bounds that stay valid at zero errors: what a gate may claim from the data it saw.
 * - Proportions (exact-match rate): Clopper-Pearson, exact for a binomial count.
 * - Error rates over units that cluster in utterances (WER, CER): a seeded bootstrap over
 *   utterances, never below the Clopper-Pearson bound on the pooled units (which is what keeps
 *   "0 errors in 59 words" from claiming a 0% rate).
 */

const LOG_FACT: number[] = [0];
for (let i = 1; i <= 256; i++) LOG_FACT[i] = LOG_FACT[i - 1]! + Math.log(i);

/** ln(n!): a table up to 256, Stirling's series beyond (error far below 1e-12 there). */
function logFactorial(n: number): number {
  if (n <= 256) return LOG_FACT[n]!;
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3) + 1 / (1260 * n ** 5);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** P(X <= k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  let s = 0;
  for (let i = 0; i <= k; i++) s += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, s);
}

/**
 * One-sided upper confidence bound on a proportion after `k` events in `n` trials
 * (Clopper-Pearson): the p at which seeing k or fewer has probability 1 - confidence.
 * At k = 0 it is 1 - (1 - confidence)^(1/n), about 3/n at 95% (the rule of three).
 */
export function proportionUpper(k: number, n: number, confidence: number): number {
  if (n <= 0) return 1;
  if (k >= n) return 1;
  const alpha = 1 - confidence;
  if (k === 0) return 1 - alpha ** (1 / n);
  let lo = k / n;
  let hi = 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(k, n, mid) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** How many trials without an event are needed before the upper bound falls below `rate`. */
export function trialsNeededAtZero(rate: number, confidence: number): number {
  if (rate <= 0) return Number.POSITIVE_INFINITY;
  if (rate >= 1) return 1;
  return Math.ceil(Math.log(1 - confidence) / Math.log1p(-rate));
}

/** One utterance's contribution to a pooled rate. */
export interface RateItem {
  errors: number;
  units: number;
}

export interface RateBound {
  /** Pooled errors over pooled units. */
  point: number;
  /** One-sided upper bound at `confidence`. */
  upper: number;
  confidence: number;
  errors: number;
  units: number;
  utterances: number;
  method: string;
}

/**
 * Upper bound on a pooled error rate: the `confidence` quantile of `resamples` bootstrap
 * resamples of utterances (errors cluster: a bad utterance has many), floored by the
 * Clopper-Pearson bound on the pooled units (so zero observed errors still bound the rate).
 */
export function rateUpper(items: readonly RateItem[], confidence: number, resamples = 2000, seed = 1): RateBound {
  const errors = items.reduce((s, x) => s + x.errors, 0);
  const units = items.reduce((s, x) => s + x.units, 0);
  const point = units ? errors / units : errors ? 1 : 0;
  // a rate over units can exceed 1 (insertions): the binomial floor uses errors capped at units
  const floor = proportionUpper(Math.min(errors, units), units, confidence);
  let boot = point;
  if (errors > 0 && items.length > 1) {
    const rnd = seededRandom(seed);
    const rates: number[] = [];
    for (let r = 0; r < resamples; r++) {
      let e = 0;
      let u = 0;
      for (let i = 0; i < items.length; i++) {
        const x = items[Math.floor(rnd() * items.length)]!;
        e += x.errors;
        u += x.units;
      }
      rates.push(u ? e / u : e ? 1 : 0);
    }
    rates.sort((a, b) => a - b);
    boot = rates[Math.min(rates.length - 1, Math.ceil(confidence * rates.length) - 1)]!;
  }
  return { point, upper: Math.max(boot, floor), confidence, errors, units, utterances: items.length, method: `utterance bootstrap (${resamples} resamples, seed ${seed}), floored by Clopper-Pearson on ${units} units` };
}

/** Lower bound on a success proportion (exact-match rate), Clopper-Pearson. */
export function proportionLower(successes: number, n: number, confidence: number): number {
  return 1 - proportionUpper(n - successes, n, confidence);
}
