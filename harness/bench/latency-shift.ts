/**
 * How much slower one set of latency samples is than another, with its uncertainty: the
 * Hodges-Lehmann estimate of the ratio after/before (the median of every pairwise ratio) and its
 * distribution-free confidence interval from the Mann-Whitney distribution (Moses' interval):
 * the rank test's own interval, so no assumption about the shape of latency distributions, and
 * robust to the odd slow run a busy machine gives. Computed on log latencies, so the shift is a
 * ratio (a backend 20% slower is 1.2 on a fast clip and a slow one alike).
 */
export interface LatencyShift {
  /** Hodges-Lehmann estimate of after/before. */
  ratio: number;
  /** The ratio's two-sided interval at `confidence`; null with too few runs for one (fewer than 4 a side at 95%). */
  lower: number | null;
  upper: number | null;
  confidence: number;
  runsBefore: number;
  runsAfter: number;
}

/** Above this many runs a side, evenly spaced order statistics of each side stand for it (the pairwise ratios grow as the product). */
const MAX_SIDE = 2000;

/** P(U <= u) for every u, U the Mann-Whitney statistic of samples of n and m under no difference: exact, by the usual recurrence. */
function mannWhitneyCdf(n: number, m: number): Float64Array {
  // p[i][j][u] = (i/(i+j)) p[i-1][j][u-j] + (j/(i+j)) p[i][j-1][u], rolled over i
  let prev: Float64Array[] = Array.from({ length: m + 1 }, () => Float64Array.of(1)); // i = 0: U = 0
  for (let i = 1; i <= n; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)]; // j = 0
    for (let j = 1; j <= m; j++) {
      const p = new Float64Array(i * j + 1);
      const a = prev[j]!;
      const b = cur[j - 1]!;
      for (let u = 0; u <= i * j; u++) p[u] = (i / (i + j)) * (u >= j && u - j < a.length ? a[u - j]! : 0) + (j / (i + j)) * (u < b.length ? b[u]! : 0);
      cur.push(p);
    }
    prev = cur;
  }
  const pdf = prev[m]!;
  const cdf = new Float64Array(pdf.length);
  let s = 0;
  for (let u = 0; u < pdf.length; u++) cdf[u] = s += pdf[u]!;
  return cdf;
}

/** The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = (q: number) => {
    const r = Math.sqrt(-2 * Math.log(q));
    return (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  };
  if (p < 0.02425) return lowTail(p);
  if (p > 1 - 0.02425) return -lowTail(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * How many of the smallest (and largest) pairwise differences the interval leaves out: the
 * largest w with P(U <= w) <= (1 - confidence) / 2; the interval is the (w+1)-th smallest to the
 * (w+1)-th largest difference. -1: no interval at this confidence. Exact up to 50 runs a side,
 * the normal approximation above.
 */
export function excluded(n: number, m: number, confidence: number): number {
  const tail = (1 - confidence) / 2;
  if (n <= 50 && m <= 50) {
    const cdf = mannWhitneyCdf(n, m);
    let w = -1;
    while (w + 1 < cdf.length && cdf[w + 1]! <= tail) w++;
    return w;
  }
  return Math.max(-1, Math.floor((n * m) / 2 + normalQuantile(tail) * Math.sqrt((n * m * (n + m + 1)) / 12) - 0.5));
}

function thinned(xs: readonly number[]): number[] {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length <= MAX_SIDE) return s;
  return Array.from({ length: MAX_SIDE }, (_, i) => s[Math.round((i * (s.length - 1)) / (MAX_SIDE - 1))]!);
}

export function latencyShift(before: readonly number[], after: readonly number[], confidence = 0.95): LatencyShift {
  if (!before.length || !after.length) throw new RangeError('latencyShift needs samples on both sides');
  // a latency of 0 (a worker's rounding) has no logarithm: 1 µs stands for it
  const log = (x: number) => Math.log(Math.max(x, 1e-3));
  const b = thinned(before).map(log);
  const a = thinned(after).map(log);
  const d = new Float64Array(a.length * b.length);
  let k = 0;
  for (const x of a) for (const y of b) d[k++] = x - y;
  d.sort();
  const mid = (d.length - 1) / 2;
  const ratio = Math.exp((d[Math.floor(mid)]! + d[Math.ceil(mid)]!) / 2);
  const w = excluded(a.length, b.length, confidence);
  const ok = w >= 0 && w < d.length - 1 - w;
  return { ratio, lower: ok ? Math.exp(d[w]!) : null, upper: ok ? Math.exp(d[d.length - 1 - w]!) : null, confidence, runsBefore: before.length, runsAfter: after.length };
}

/**
 * A regression only when the samples show one beyond the tolerance: the whole interval of the
 * ratio lies above 1 + tolerance. Where the interval reaches past it but does not lie beyond it,
 * the samples cannot tell (inconclusive: more runs, or a quieter machine, would).
 */
export type ShiftJudgement = 'regression' | 'inconclusive' | 'no regression' | 'too few runs';

export function judgeShift(s: LatencyShift, tolerance: number): ShiftJudgement {
  if (s.lower === null || s.upper === null) return 'too few runs';
  if (s.lower > 1 + tolerance) return 'regression';
  if (s.upper > 1 + tolerance) return 'inconclusive';
  return 'no regression';
}
