import { UsageError } from '../errors.ts';
import { align, alignCounts, codePoints, tokenCodes, type Alignment, type EditCounts } from './align.ts';

export interface UtteranceScore extends EditCounts {
  id: string;
  ref: string;
  hyp: string;
  refWords: number;
  refChars: number;
  /** Word error rate; 0 when both are empty, 1 per inserted word when only the reference is empty. */
  wer: number;
  cer: number;
  charErrors: number;
  exact: boolean;
  alignment: Alignment;
}

export interface CorpusScore extends EditCounts {
  utterances: number;
  refWords: number;
  refChars: number;
  charErrors: number;
  wer: number;
  cer: number;
  exactMatches: number;
  exactMatchRate: number;
}

export function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** Characters for CER: every code point except whitespace, so it works for text without spaces (Chinese). */
export function chars(text: string): string[] {
  return Array.from(text.replace(/\s+/g, ''));
}

/**
 * Rates are errors over reference length. An empty reference has no defined ratio; we define
 * it as 0 if the hypothesis is also empty and as the number of inserted units otherwise, so a
 * transcript of silence that invents words is counted, never hidden as NaN.
 */
function rate(errors: number, refLen: number): number {
  return refLen === 0 ? errors : errors / refLen;
}

/** The alignment table is (ref + 1) x (hyp + 1) 32-bit cells: 1e8 cells is 400 MB. */
const MAX_ALIGN_CELLS = 1e8;

export function scoreUtterance(id: string, ref: string, hyp: string): UtteranceScore {
  const rw = words(ref);
  // code points of the text without whitespace: what chars() gives, as integers for alignCounts()
  const rc = codePoints(ref.replace(/\s+/g, ''));
  const hc = codePoints(hyp.replace(/\s+/g, ''));
  if ((rc.length + 1) * (hc.length + 1) > MAX_ALIGN_CELLS) {
    throw new UsageError(id, `reference of ${rc.length} and hypothesis of ${hc.length} characters are too long to align in memory`, 'split the utterance into sentences or 30 s segments');
  }
  const hw = words(hyp);
  const a = alignCounts(...tokenCodes(rw, hw));
  const c = alignCounts(rc, hc);
  // the word pairs (for showing a failing case) are built when first read: the same traceback
  // as the counts above, and scoring 100,000 utterances need not make 1.7 million pair objects
  let pairs: Alignment | undefined;
  const charErrors = c.substitutions + c.deletions + c.insertions;
  const wordErrors = a.substitutions + a.deletions + a.insertions;
  return {
    id,
    ref,
    hyp,
    hits: a.hits,
    substitutions: a.substitutions,
    deletions: a.deletions,
    insertions: a.insertions,
    refWords: rw.length,
    refChars: c.hits + c.substitutions + c.deletions,
    wer: rate(wordErrors, rw.length),
    cer: rate(charErrors, c.hits + c.substitutions + c.deletions),
    charErrors,
    exact: wordErrors === 0,
    get alignment() {
      return (pairs ??= align(rw, hw));
    },
  };
}

/** Corpus rates pool the counts (as sclite does), they are not means of per-utterance rates. */
export function scoreCorpus(utts: readonly UtteranceScore[]): CorpusScore {
  const sum = (f: (u: UtteranceScore) => number) => utts.reduce((a, u) => a + f(u), 0);
  const hits = sum((u) => u.hits);
  const substitutions = sum((u) => u.substitutions);
  const deletions = sum((u) => u.deletions);
  const insertions = sum((u) => u.insertions);
  const refWords = sum((u) => u.refWords);
  const refChars = sum((u) => u.refChars);
  const charErrors = sum((u) => u.charErrors);
  const exactMatches = utts.filter((u) => u.exact).length;
  return {
    utterances: utts.length,
    hits,
    substitutions,
    deletions,
    insertions,
    refWords,
    refChars,
    charErrors,
    wer: rate(substitutions + deletions + insertions, refWords),
    cer: rate(charErrors, refChars),
    exactMatches,
    exactMatchRate: utts.length === 0 ? 1 : exactMatches / utts.length,
  };
}
