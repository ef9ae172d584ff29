import { loadAudio } from '../../audio/load-audio.ts';
import type { Config } from '../../config/load-config.ts';
import { transcribeInChunks } from '../../run/chunked-transcription.ts';
import { loadOneFromFlags, type BackendFlags } from '../../run/plan-from-flags.ts';
import { print, progress, progressDone } from '../terminal.ts';

/** `asr-parity chunked`: long audio in fixed-length chunks (harness/run/chunked-transcription.ts), with progress. */
export async function run(o: BackendFlags & { backend: string; audio: string; chunkLength: number; batchSize: number; json?: boolean }, config: Config): Promise<void> {
  const audio = await loadAudio(o.audio);
  const b = await loadOneFromFlags(config, o.backend, o);
  try {
    const r = await transcribeInChunks(b, audio, { label: o.backend, chunkLength: o.chunkLength, batchSize: o.batchSize, progress });
    progressDone();
    if (o.json) print(JSON.stringify({ backend: o.backend, audio: o.audio, duration: audio.duration, chunks: r.chunks, chunkLength: o.chunkLength, batchSize: o.batchSize, text: r.text, chunkTexts: r.chunkTexts, totalMs: r.totalMs, rtf: r.rtf }, null, 2));
    else print(r.text);
  } finally {
    b.dispose();
  }
}
