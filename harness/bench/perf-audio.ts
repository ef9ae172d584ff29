import { WHISPER_RATE, type Audio16k } from '../audio/decoded-audio.ts';
import { loadAudio } from '../audio/load-audio.ts';
import type { Case } from '../audio/manifest.ts';
import { AudioInputError } from '../errors.ts';

/**
 * Audio of exactly each requested length for latency runs, cut from the longest case of the
 * manifest (speech, so the decoder works as hard as it would in use), repeated if it is shorter.
 * Every case is decoded once, whatever the number of lengths.
 */
export async function perfAudio<const S extends readonly number[]>(cases: readonly Case[], seconds: S, source: string): Promise<{ [K in keyof S]: Audio16k }> {
  if (!cases.length) throw new AudioInputError(source, 'no cases to take benchmark audio from', 'point the config at a manifest with audio');
  let longest: Audio16k | undefined;
  for (const c of cases) {
    const a = await loadAudio(c.audio);
    if (!longest || a.samples.length > longest.samples.length) longest = a;
  }
  if (!longest?.samples.length) throw new AudioInputError(source, 'its longest case holds no samples', 'benchmark audio must be non-empty');
  const clip = longest;
  return seconds.map((s) => {
    const n = Math.round(s * WHISPER_RATE);
    const samples = new Float32Array(n);
    for (let at = 0; at < n; at += clip.samples.length) samples.set(clip.samples.subarray(0, Math.min(clip.samples.length, n - at)), at);
    return { samples, duration: n / WHISPER_RATE, source: clip.source };
  }) as { [K in keyof S]: Audio16k };
}
