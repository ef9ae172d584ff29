import { UsageError } from '../errors.ts';
import { align, alignCounts, tokenCodes, type Alignment, type EditCounts } from './align.ts';
import { editDistance, informationMeasures, levenshteinCounts } from './levenshtein.ts';
import { pyStrip } from './python-text.ts';

/**
 * Whether CER counts spaces. 'include' is jiwer's and Hugging Face evaluate's convention (the
 * text stripped at both ends, every character counted, spaces too); 'exclude' drops all
 * whitespace first, the usual convention for Chinese and Japanese. Both count the unit-cost edit
 * distance, as jiwer does.
 */
export type CerSpaces = 'include' | 'exclude';
export const DEFAULT_CER_SPACES: CerSpaces = 'exclude';

export interface ScoreOptions {
  cerSpaces?: CerSpaces;
}

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
  /** MER, WIL and WIP as jiwer computes them, from the unit-cost alignment's counts (`levenshtein`). */
  mer: number;
  wil: number;
  wip: number;
  levenshtein: EditCounts;
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
  /** jiwer's corpus MER, WIL and WIP: computed from the pooled unit-cost counts, as jiwer pools a list of sentences. */
  mer: number;
  wil: number;
  wip: number;
  levenshtein: EditCounts;
  exactMatches: number;
  exactMatchRate: number;
}

export function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** Characters for CER, by code point: without whitespace ('exclude', works for text without spaces) or, as jiwer, stripped with inner spaces kept. */
export function chars(text: string, spaces: CerSpaces = DEFAULT_CER_SPACES): string[] {
  return Array.from(spaces === 'include' ? pyStrip(text) : text.replace(/\s+/g, ''));
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

export function scoreUtterance(id: string, ref: string, hyp: string, opts: ScoreOptions = {}): UtteranceScore {
  const rw = words(ref);
  const hw = words(hyp);
  const rc = chars(ref, opts.cerSpaces);
  const hc = chars(hyp, opts.cerSpaces);
  if ((rc.length + 1) * (hc.length + 1) > MAX_ALIGN_CELLS) {
    throw new UsageError(id, `reference of ${rc.length} and hypothesis of ${hc.length} characters are too long to align in memory`, 'split the utterance into sentences or 30 s segments');
  }
  const a = alignCounts(...tokenCodes(rw, hw));
  // the word pairs (for showing a failing case) are built when first read: the same traceback
  // as the counts above, and scoring 100,000 utterances need not make 1.7 million pair objects
  let pairs: Alignment | undefined;
  const charErrors = editDistance(rc, hc);
  const levenshtein = levenshteinCounts(rw, hw);
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
    refChars: rc.length,
    wer: rate(wordErrors, rw.length),
    cer: rate(charErrors, rc.length),
    charErrors,
    ...informationMeasures(levenshtein),
    levenshtein,
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
  const levenshtein: EditCounts = {
    hits: sum((u) => u.levenshtein.hits),
    substitutions: sum((u) => u.levenshtein.substitutions),
    deletions: sum((u) => u.levenshtein.deletions),
    insertions: sum((u) => u.levenshtein.insertions),
  };
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
    ...informationMeasures(levenshtein),
    levenshtein,
    exactMatches,
    exactMatchRate: utts.length === 0 ? 1 : exactMatches / utts.length,
  };
}
