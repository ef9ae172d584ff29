import type { CerSpaces } from './error-rate.ts';
import type { Finding } from './finding.ts';
import { scoreTranscripts } from './gate.ts';

/**
 * Invariance checks (README, "Invariance"): what must not change a transcript. Chunked long-form
 * decoding (each chunk of the audio transcribed on its own, transformers #37789: far worse than
 * sequential on one stack only) must agree between baseline and device as the sequential
 * transcripts must: the same per-case WER limit, on the same normalized words. Pure.
 */
export function chunkedDisagreement(id: string, baselineText: string, deviceText: string, o: { normalize: (s: string) => string; maxWer: number; cerSpaces: CerSpaces; chunkSeconds: number }): Finding[] {
  const c = scoreTranscripts([{ id, baseline: baselineText, device: deviceText }], o.normalize, { cerSpaces: o.cerSpaces }).cases[0]!;
  // the same rule as a sequential case's (gate.ts): WER below the limit
  if (c.wer < o.maxWer) return [];
  return [{ kind: 'chunked-disagreement', case: id, metric: 'wer', observed: c.wer, limit: o.maxWer, message: `${id}: decoded in ${o.chunkSeconds} s chunks, the device's transcript differs from the baseline's: WER ${(100 * c.wer).toFixed(2)}% (limit ${(100 * o.maxWer).toFixed(2)}%; ${c.substitutions} substituted, ${c.deletions} deleted, ${c.insertions} inserted)` }];
}

/** The same case alone and batched (faster-whisper #1351, transformers #20624: padding and batch composition changing the words): the tokens must be the same. */
export function batchVariance(id: string, alone: readonly number[], batched: readonly number[], neighbours: readonly string[]): Finding[] {
  const n = Math.min(alone.length, batched.length);
  let at = 0;
  while (at < n && alone[at] === batched[at]) at++;
  if (at === n && alone.length === batched.length) return [];
  return [{ kind: 'batch-variance', case: id, message: `${id}: batched with ${neighbours.join(', ')}, the device's tokens differ from its tokens alone from token ${at} on (${alone.length} tokens alone, ${batched.length} batched)` }];
}

/** Cases in batches of `size`, in the list's order (so neighbours of other lengths share a batch); the last may be smaller, and a last batch of one joins the one before. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  if (out.length > 1 && out.at(-1)!.length === 1) out.at(-2)!.push(...out.pop()!);
  return out;
}
