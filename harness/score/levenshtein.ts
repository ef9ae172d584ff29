import type { EditCounts } from './align.ts';

/**
 * Unit-cost (Levenshtein) alignment counts as jiwer computes them: jiwer takes
 * rapidfuzz.distance.Levenshtein.opcodes(reference, hypothesis), which first sets aside the
 * common prefix and suffix (all hits) and then walks back from the end of the table preferring
 * a deletion, then an insertion, then the diagonal (Hyyrö's bit-parallel traceback, written here
 * with the distance table it encodes). The total error count is the edit distance, whichever
 * optimal path is taken; the hit/substitution split, which MER, WIL and WIP read, follows this
 * tie-breaking. Not the sclite alignment: WER and the .pra listing keep sclite's weights (align.ts).
 */
export function levenshteinCounts<T>(ref: readonly T[], hyp: readonly T[]): EditCounts {
  return levenshteinAlignment(ref, hyp).counts;
}

/** The same alignment as operations in order ('C', 'S', 'D', 'I'), for displays and for checking the tie-breaking against jiwer's published alignments. */
export function levenshteinAlignment<T>(ref: readonly T[], hyp: readonly T[]): { counts: EditCounts; ops: Array<'C' | 'S' | 'D' | 'I'> } {
  const tail: Array<'C' | 'S' | 'D' | 'I'> = [];
  let start = 0;
  while (start < ref.length && start < hyp.length && ref[start] === hyp[start]) start++;
  let endR = ref.length;
  let endH = hyp.length;
  while (endR > start && endH > start && ref[endR - 1] === hyp[endH - 1]) {
    endR--;
    endH--;
  }
  const counts: EditCounts = { hits: start + (ref.length - endR), substitutions: 0, deletions: 0, insertions: 0 };
  for (let k = endR; k < ref.length; k++) tail.push('C');
  const r = ref.slice(start, endR);
  const h = hyp.slice(start, endH);
  const n = r.length;
  const m = h.length;
  const w = m + 1;
  const d = new Uint32Array((n + 1) * w);
  for (let i = 0; i <= n; i++) d[i * w] = i;
  for (let j = 0; j <= m; j++) d[j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const diag = d[(i - 1) * w + j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1);
      d[i * w + j] = Math.min(diag, d[(i - 1) * w + j]! + 1, d[i * w + j - 1]! + 1);
    }
  }
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    if (d[i * w + j] === d[(i - 1) * w + j]! + 1) {
      counts.deletions++;
      tail.push('D');
      i--;
      continue;
    }
    j--;
    // rapidfuzz: an insertion when the cell left of here is one below the cell above-left of it
    if (j > 0 && d[i * w + j] === d[(i - 1) * w + j]! - 1) {
      counts.insertions++;
      tail.push('I');
      continue;
    }
    i--;
    if (r[i] === h[j]) counts.hits++;
    else counts.substitutions++;
    tail.push(r[i] === h[j] ? 'C' : 'S');
  }
  counts.deletions += i;
  counts.insertions += j;
  for (; i > 0; i--) tail.push('D');
  for (; j > 0; j--) tail.push('I');
  const ops = [...Array<'C'>(start).fill('C'), ...tail.reverse()];
  return { counts, ops };
}

/** Edit distance with unit costs, in one row of memory: what CER counts. */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  const row = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

export interface InformationMeasures {
  /** Match error rate: errors over all alignment positions, (S+D+I)/(H+S+D+I). */
  mer: number;
  /** Word information preserved: (H/N_ref)(H/N_hyp). */
  wip: number;
  /** Word information lost: 1 - WIP. */
  wil: number;
}

/**
 * jiwer's MER, WIP and WIL from unit-cost counts. jiwer refuses an empty reference; we define
 * it as for WER: both empty is a perfect match (MER 0, WIP 1), words out of silence are all error.
 */
export function informationMeasures(c: EditCounts): InformationMeasures {
  const refWords = c.hits + c.substitutions + c.deletions;
  const hypWords = c.hits + c.substitutions + c.insertions;
  const errors = c.substitutions + c.deletions + c.insertions;
  if (refWords === 0 && hypWords === 0) return { mer: 0, wip: 1, wil: 0 };
  const mer = errors / (c.hits + errors);
  const wip = refWords > 0 && hypWords > 0 ? (c.hits / refWords) * (c.hits / hypWords) : 0;
  return { mer, wip, wil: 1 - wip };
}
