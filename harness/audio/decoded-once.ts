import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Audio16k } from './decoded-audio.ts';
import { loadAudio } from './load-audio.ts';

/**
 * A gate run reads each case's audio up to four times: the case list checks it decodes, the
 * baseline transcribes it, each device transcribes it, and teacher forcing feeds it to both
 * backends again. Decoding is the same work each time (an MP3 or an M4A through ffmpeg costs a
 * process), so each file is decoded once per process: the 16 kHz samples are kept in memory up
 * to a budget and, past it, written raw to a temporary folder (read back as they were, removed
 * at exit), so a long run neither re-decodes nor holds every case in memory.
 *
 * A file is the same file while its size, modification time and inode are: a file rewritten
 * in place is decoded again.
 */
interface Entry {
  key: string;
  audio?: Audio16k;
  spilled?: { file: string; duration: number; source: Audio16k['source'] };
}

let memoryBudgetBytes = 256 * 2 ** 20;
const entries = new Map<string, Entry>();
let inMemoryBytes = 0;
let spillDir: string | undefined;
let spilled = 0;
let decodes = 0;

function identity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    // loadAudio says what is wrong with it
    return undefined;
  }
}

function spill(path: string, a: Audio16k): Entry['spilled'] {
  if (!spillDir) {
    spillDir = mkdtempSync(join(tmpdir(), 'asr-parity-audio-'));
    const dir = spillDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  // numbered by a counter, not by how many entries there are: an entry decoded again would reuse another's name
  const file = join(spillDir, `${spilled++}.f32`);
  writeFileSync(file, Buffer.from(a.samples.buffer, a.samples.byteOffset, a.samples.byteLength));
  return { file, duration: a.duration, source: a.source };
}

/** loadAudio, decoding each file once per process (see above); errors are loadAudio's, every time. */
export async function loadAudioOnce(path: string): Promise<Audio16k> {
  const key = identity(path);
  const known = entries.get(path);
  if (key && known?.key === key) {
    // a copy: a caller that changes its samples (a fuzz variant, a cut) must not change the next caller's
    if (known.audio) return { ...known.audio, samples: known.audio.samples.slice() };
    if (known.spilled) {
      const b = readFileSync(known.spilled.file);
      const samples = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      return { samples, duration: known.spilled.duration, source: known.spilled.source };
    }
  }
  if (known?.audio) inMemoryBytes -= known.audio.samples.byteLength;
  entries.delete(path);
  const audio = await loadAudio(path);
  decodes++;
  if (!key) return audio;
  if (inMemoryBytes + audio.samples.byteLength <= memoryBudgetBytes) {
    inMemoryBytes += audio.samples.byteLength;
    entries.set(path, { key, audio: { ...audio, samples: audio.samples.slice() } });
  } else {
    entries.set(path, { key, spilled: spill(path, audio) });
  }
  return audio;
}

/** How much decoded audio stays in memory before the rest goes to disk (default 256 MiB, about 70 minutes). */
export function setDecodedAudioMemoryBudget(bytes: number): void {
  memoryBudgetBytes = bytes;
}

/** How many files this process has decoded (for the test that each is decoded once). */
export function decodeCount(): number {
  return decodes;
}
