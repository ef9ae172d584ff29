/**
 * Minimum-cost alignment of two token sequences with NIST sclite's default weights
 * (correct 0, substitution 4, insertion 3, deletion 3), so our S/D/I counts are the ones
 * sclite reports; returns the counts and the aligned pairs.
 */
const SUB = 4;
const INS = 3;
const DEL = 3;
export type Op = 'C' | 'S' | 'D' | 'I';

export interface AlignedPair {
  op: Op;
  ref: string | null;
  hyp: string | null;
}

export interface EditCounts {
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

export interface Alignment extends EditCounts {
  pairs: AlignedPair[];
}

export function align(ref: readonly string[], hyp: readonly string[]): Alignment {
  const n = ref.length;
  const m = hyp.length;
  const w = m + 1;
  const cost = new Uint32Array((n + 1) * w);
  for (let i = 0; i <= n; i++) cost[i * w] = i * DEL;
  for (let j = 0; j <= m; j++) cost[j] = j * INS;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const diag = cost[(i - 1) * w + j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : SUB);
      const del = cost[(i - 1) * w + j]! + DEL;
      const ins = cost[i * w + j - 1]! + INS;
      cost[i * w + j] = Math.min(diag, del, ins);
    }
  }
  const pairs: AlignedPair[] = [];
  let i = n;
  let j = m;
  const counts: EditCounts = { hits: 0, substitutions: 0, deletions: 0, insertions: 0 };
  while (i > 0 || j > 0) {
    const here = cost[i * w + j]!;
    if (i > 0 && j > 0 && here === cost[(i - 1) * w + j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : SUB)) {
      const same = ref[i - 1] === hyp[j - 1];
      pairs.push({ op: same ? 'C' : 'S', ref: ref[i - 1]!, hyp: hyp[j - 1]! });
      if (same) counts.hits++;
      else counts.substitutions++;
      i--;
      j--;
    } else if (i > 0 && here === cost[(i - 1) * w + j]! + DEL && !(j > 0 && here === cost[i * w + j - 1]! + INS)) {
      // sclite (net_dp.c) keeps a substitution on ties, then a deletion only if strictly cheaper
      // than the insertion: a deletion/insertion tie is an insertion
      pairs.push({ op: 'D', ref: ref[i - 1]!, hyp: null });
      counts.deletions++;
      i--;
    } else {
      pairs.push({ op: 'I', ref: null, hyp: hyp[j - 1]! });
      counts.insertions++;
      j--;
    }
  }
  pairs.reverse();
  return { ...counts, pairs };
}

/** The weighted cost of the best alignment: a metric (symmetric, and a substitution costs no more than a deletion plus an insertion). */
export function alignmentCost(a: readonly string[], b: readonly string[]): number {
  const r = align(a, b);
  return SUB * r.substitutions + DEL * r.deletions + INS * r.insertions;
}

/** sclite-style aligned display: REF and HYP rows, errors upper-cased, gaps as asterisks. */
export function formatAlignment(a: Alignment): string {
  const ref: string[] = [];
  const hyp: string[] = [];
  for (const p of a.pairs) {
    const r = p.ref ?? '*'.repeat(p.hyp!.length);
    const h = p.hyp ?? '*'.repeat(p.ref!.length);
    const width = Math.max(r.length, h.length);
    const show = (s: string) => (p.op === 'C' ? s : s.toUpperCase()).padEnd(width);
    ref.push(show(r));
    hyp.push(show(h));
  }
  return `REF: ${ref.join(' ')}\nHYP: ${hyp.join(' ')}`;
}
