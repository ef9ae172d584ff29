import { basename } from 'node:path';
import { loadAudio } from '../../audio/load-audio.ts';
import type { Config } from '../../config/load-config.ts';
import { FIXTURE_DIR } from '../../io/default-paths.ts';
import { loadOneFromFlags, type BackendFlags } from '../../run/plan-from-flags.ts';
import { print } from '../terminal.ts';

/** `asr-parity transcribe`: one file on one backend, the text (or a JSON object with timings and what produced it). */
export async function run(o: BackendFlags & { backend: string; audio: string; json?: boolean }, config: Config): Promise<void> {
  const audio = await loadAudio(o.audio);
  const b = await loadOneFromFlags(config, o.backend, o);
  try {
    // whisper.cpp walks long audio window by window in one call, with no progress to show
    if (audio.duration > 60 && process.stderr.isTTY) process.stderr.write(`${o.audio}: ${(audio.duration / 60).toFixed(1)} min of audio, ${Math.ceil(audio.duration / 30)} windows of 30 s in one call; \`asr-parity chunked\` shows progress\n`);
    const t = await b.transcribe(audio);
    const model = String(b.describe().modelPath ?? '');
    // a newcomer's first transcript comes from the generated test model: say so, or "elm" looks like a bug
    if (model.startsWith(FIXTURE_DIR)) process.stderr.write(`asr-parity: note: ${basename(model)} is asr-parity's generated test model, which answers with placeholder words (oak, elm, ash, fir: README "The generated test model"); pass --model for a real Whisper model\n`);
    if (o.json) print(JSON.stringify({ backend: o.backend, audio: o.audio, audioFormat: audio.source.format, duration: audio.duration, loadMs: b.loadMs, ...t, environment: b.describe() }, null, 2));
    else print(t.text);
  } finally {
    b.dispose();
  }
}
