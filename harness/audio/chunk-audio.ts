import { WHISPER_RATE, type Audio16k } from './decoded-audio.ts';

/**
 * Audio cut into consecutive chunks of `seconds` (the last one shorter), sharing the samples
 * rather than copying them; each keeps the source's description.
 */
export function chunkAudio(audio: Audio16k, seconds: number): Audio16k[] {
  const size = Math.round(seconds * WHISPER_RATE);
  const chunks: Audio16k[] = [];
  for (let at = 0; at < audio.samples.length; at += size) {
    const samples = audio.samples.subarray(at, Math.min(at + size, audio.samples.length));
    chunks.push({ samples, duration: samples.length / WHISPER_RATE, source: audio.source });
  }
  return chunks;
}
