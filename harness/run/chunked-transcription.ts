import type { LoadedBackend } from '../../backends/types.ts';
import { chunkAudio } from '../audio/chunk-audio.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';

export interface ChunkedTranscript {
  chunks: number;
  /** Each chunk's text, in the audio's order. */
  chunkTexts: string[];
  /** The non-empty chunk texts joined by spaces. */
  text: string;
  totalMs: number;
  /** Seconds of transcribing per second of audio. */
  rtf: number;
}

/**
 * Long audio transcribed in fixed-length chunks, `batchSize` chunks submitted at once, with a
 * progress line per batch (whisper.cpp walks one long call window by window and shows nothing).
 */
export async function transcribeInChunks(backend: LoadedBackend, audio: Audio16k, o: { label: string; chunkLength: number; batchSize: number; progress: (msg: string) => void }): Promise<ChunkedTranscript> {
  const chunks = chunkAudio(audio, o.chunkLength);
  const chunkTexts: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < chunks.length; i += o.batchSize) {
    o.progress(`${o.label}: chunk ${i + 1}/${chunks.length} (a batch of ${Math.min(o.batchSize, chunks.length - i)})`);
    const batch = await Promise.all(chunks.slice(i, i + o.batchSize).map((c) => backend.transcribe(c)));
    chunkTexts.push(...batch.map((t) => t.text));
  }
  const totalMs = performance.now() - t0;
  return { chunks: chunks.length, chunkTexts, text: chunkTexts.filter(Boolean).join(' '), totalMs, rtf: totalMs / 1000 / audio.duration };
}
