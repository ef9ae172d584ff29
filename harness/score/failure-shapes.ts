import { deflateSync } from 'node:zlib';
import type { FailureShapeSettings } from '../config/load-config.ts';
import type { Alignment } from './align.ts';
import type { Finding } from './finding.ts';

/**
 * The ways Whisper ports are known to break, each a named check of its own (README, "Failure
 * shapes"): repetition loops (whisper's compression-ratio rule), runs of one repeated token,
 * text on non-speech probes (silence, noise, tones) other than the baseline's, NaN/Inf logits, and truncation
 * (far fewer words than the baseline, or words deleted at the tail). Each compares the device
 * with the baseline on one case, so a model that loops on its own on a probe does not fail a
 * device that loops the same way; each threshold is in the config (`failureShapes`), and null
 * switches that check off. Pure functions.
 */

export interface ShapeCase {
  id: string;
  kind: string;
  audioSeconds: number;
  baselineText: string;
  deviceText: string;
  baselineTokens?: readonly number[];
  deviceTokens?: readonly number[];
  /** Normalized baseline words against the device's (baseline = reference). */
  alignment: Alignment;
  /** Non-finite values in the device's teacher-forced logits, where they were computed. */
  nonFiniteLogits?: number;
}

/** whisper's compression ratio: UTF-8 bytes over zlib-compressed bytes (a loop compresses well). */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  if (!bytes.length) return 0;
  return bytes.length / deflateSync(bytes).length;
}

/** The longest run of one token repeated back to back. */
export function longestRun(tokens: readonly number[]): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < tokens.length; i++) {
    run = i > 0 && tokens[i] === tokens[i - 1] ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** Baseline words the device dropped at the end: deletions after the last word both share or the device added. */
export function tailDeletions(a: Alignment): number {
  let n = 0;
  for (let i = a.pairs.length - 1; i >= 0 && a.pairs[i]!.op === 'D'; i--) n++;
  return n;
}

/** Words without case or punctuation: "Thank you." and "thank you" say the same. */
const plain = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, '').split(/\s+/).filter(Boolean).join(' ');
const words = (s: string) => s.trim().split(/\s+/).filter(Boolean).length;
const f2 = (x: number) => x.toFixed(2);

export function failureShapes(c: ShapeCase, s: FailureShapeSettings): Finding[] {
  const out: Finding[] = [];
  const wps = (t: string) => (c.audioSeconds > 0 ? words(t) / c.audioSeconds : 0);
  if (s.maxCompressionRatio !== null) {
    const d = compressionRatio(c.deviceText);
    const b = compressionRatio(c.baselineText);
    // and well beyond the baseline's own: a repetitive passage compresses past 2.4 on both sides
    if (d > s.maxCompressionRatio && d > s.compressionRatioOverBaseline * b) {
      out.push({ kind: 'repetition-loop', case: c.id, metric: 'compressionRatio', observed: d, limit: s.maxCompressionRatio, message: `${c.id}: repetition loop: the device's text compresses ${f2(d)}:1 (> ${s.maxCompressionRatio}, whisper's rule; the baseline's ${f2(b)}:1), ${f2(wps(c.deviceText))} words/s against the baseline's ${f2(wps(c.baselineText))}` });
    }
  }
  if (s.maxTokenRun !== null && c.deviceTokens) {
    const d = longestRun(c.deviceTokens);
    const b = longestRun(c.baselineTokens ?? []);
    if (d > s.maxTokenRun && d > b) out.push({ kind: 'repeated-token-run', case: c.id, metric: 'tokenRun', observed: d, limit: s.maxTokenRun, message: `${c.id}: one token repeated ${d} times in a row (> ${s.maxTokenRun}; the baseline's longest run ${b})` });
  }
  if (s.nonSpeechKinds !== null && s.nonSpeechKinds.includes(c.kind) && plain(c.deviceText) && plain(c.deviceText) !== plain(c.baselineText)) {
    out.push({ kind: 'non-speech-text', case: c.id, message: `${c.id}: on a non-speech probe (${c.kind}) the device says "${c.deviceText.trim().slice(0, 80)}", the baseline ${plain(c.baselineText) ? `"${c.baselineText.trim().slice(0, 80)}"` : 'nothing'}` });
  }
  if (s.nonFiniteLogits && (c.nonFiniteLogits ?? 0) > 0) {
    out.push({ kind: 'non-finite-logits', case: c.id, metric: 'nonFiniteLogits', observed: c.nonFiniteLogits!, limit: 0, message: `${c.id}: ${c.nonFiniteLogits} NaN/Inf values in the device's teacher-forced logits` });
  }
  const bw = c.alignment.pairs.filter((p) => p.ref !== null).length;
  const dw = c.alignment.pairs.filter((p) => p.hyp !== null).length;
  if (s.minLengthRatio !== null && bw >= s.minBaselineWords && dw / bw < s.minLengthRatio) {
    out.push({ kind: 'truncation', case: c.id, metric: 'lengthRatio', observed: dw / bw, limit: s.minLengthRatio, message: `${c.id}: truncated: ${dw} words against the baseline's ${bw} (${f2(wps(c.deviceText))} words/s against ${f2(wps(c.baselineText))}; at least ${s.minLengthRatio} of the baseline's length expected)` });
  } else if (s.maxTailDeletions !== null && bw >= s.minBaselineWords && tailDeletions(c.alignment) > s.maxTailDeletions) {
    out.push({ kind: 'truncation', case: c.id, metric: 'tailDeletions', observed: tailDeletions(c.alignment), limit: s.maxTailDeletions, message: `${c.id}: truncated: the baseline's last ${tailDeletions(c.alignment)} words are missing at the tail (> ${s.maxTailDeletions})` });
  }
  return out;
}
