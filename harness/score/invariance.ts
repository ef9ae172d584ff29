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
