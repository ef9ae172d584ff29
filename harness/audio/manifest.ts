import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { AudioInputError, isAsrParityError } from '../errors.ts';
import { readUtf8 } from '../io/read-utf8.ts';
import { loadAudioOnce } from './decoded-once.ts';

/** One case to transcribe: an audio file and, where known, what was said. */
export interface Case {
  /** Unique within a run: two cases with one id would be compared against each other's audio. */
  id: string;
  audio: string;
  text: string;
  kind: string;
}

/** An input that was found but not used, and why. */
export interface SkippedInput {
  path: string;
  reason: string;
}

/** The cases of a run, and the inputs found beside them that could not be used. */
export interface CaseList {
  cases: Case[];
  skipped: SkippedInput[];
}

/** Extensions a folder walk tries to decode; content decides the format, and what fails to decode is listed as skipped. */
const AUDIO_EXT = /\.(wav|wave|rf64|bw64|w64|flac|mp3|mp2|ogg|oga|opus|m4a|mp4|aac|aif|aiff|aifc|caf|wma|webm|mka|amr|au|snd)$/i;

/**
 * Reads a JSONL manifest ({id?, audio, text?, kind?} per line); paths are relative to the
 * manifest. Without an id, a case is named by its audio path as written. A repeated id is an
 * error naming both lines: the gate pairs baseline and device results by id.
 */
export function readManifest(path: string): Case[] {
  const raw = readUtf8(path, 'manifest');
  const base = dirname(resolve(path));
  const seen = new Map<string, number>();
  const cases: Case[] = [];
  for (const [i, text] of raw.split('\n').entries()) {
    const line = text.trim();
    const n = i + 1;
    if (!line) continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      throw new AudioInputError(`${path}:${n}`, 'not valid JSON', 'each manifest line is one JSON object');
    }
    const e = o as Record<string, unknown>;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new AudioInputError(`${path}:${n}`, 'not a JSON object', 'each manifest line is one JSON object');
    if (typeof e.audio !== 'string' || !e.audio) throw new AudioInputError(`${path}:${n}`, 'field "audio" must be a non-empty string path', 'see fixtures/README.md for the manifest format');
    if (e.text !== undefined && typeof e.text !== 'string') throw new AudioInputError(`${path}:${n}`, 'field "text" must be a string', 'see fixtures/README.md');
    if (e.id !== undefined && (typeof e.id !== 'string' || !e.id)) throw new AudioInputError(`${path}:${n}`, 'field "id" must be a non-empty string', 'see fixtures/README.md');
    const id = (e.id as string | undefined) ?? e.audio;
    const first = seen.get(id);
    if (first !== undefined) throw new AudioInputError(`${path}:${n}`, `case id "${id}" is already used on line ${first}`, 'every case needs its own id');
    seen.set(id, n);
    cases.push({ id, audio: resolve(base, e.audio), text: (e.text as string | undefined) ?? '', kind: typeof e.kind === 'string' ? e.kind : 'audio' });
  }
  return cases;
}

/** The signatures of the containers the decoders read (WAV, RF64, Wave64, FLAC, Ogg, MP3 with ID3, AIFF): a file without an audio extension is tried when its first bytes say audio. */
const AUDIO_MAGIC: readonly { at: number; bytes: string }[] = [
  { at: 8, bytes: 'WAVE' },
  { at: 0, bytes: 'RF64' },
  { at: 0, bytes: 'riff' },
  { at: 0, bytes: 'fLaC' },
  { at: 0, bytes: 'OggS' },
  { at: 0, bytes: 'ID3' },
  { at: 8, bytes: 'AIF' },
];

function looksLikeAudio(path: string): boolean {
  const head = Buffer.alloc(12);
  let n = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, head, 0, 12, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  return AUDIO_MAGIC.some((m) => n >= m.at + m.bytes.length && head.toString('latin1', m.at, m.at + m.bytes.length) === m.bytes);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Decodes each case, so bad audio is found before any backend is loaded (kept: the run reuses it, decoded-once.ts). */
async function probe(cases: readonly Case[]): Promise<void> {
  for (const c of cases) await loadAudioOnce(c.audio);
}

/**
 * A file, a folder (walked, subfolders too), or a .jsonl manifest, as a list of cases. In a
 * folder, ids are paths relative to it (so take1.wav and take1.flac are two cases), and a file
 * that is not audio or does not decode is listed as skipped with why; a single file or a
 * manifest case that does not decode is an error, since the user named it.
 */
export async function resolveCases(input: string): Promise<CaseList> {
  let st;
  try {
    st = statSync(input);
  } catch {
    throw new AudioInputError(input, 'not found', 'give an audio file, a folder of them, or a .jsonl manifest');
  }
  if (st.isDirectory()) {
    const cases: Case[] = [];
    const skipped: SkippedInput[] = [];
    for (const f of walk(input)) {
      const id = relative(input, f).split(sep).join('/');
      // the extension or, without one the decoders know, the first bytes (the README: "recognised by its content")
      if (!AUDIO_EXT.test(f) && !looksLikeAudio(f)) {
        skipped.push({ path: f, reason: 'not an audio file by its extension or its first bytes' });
        continue;
      }
      try {
        await loadAudioOnce(f);
        cases.push({ id, audio: f, text: '', kind: 'audio' });
      } catch (e) {
        if (!isAsrParityError(e)) throw e;
        skipped.push({ path: f, reason: e.problem });
      }
    }
    if (!cases.length) throw new AudioInputError(input, `folder holds no decodable audio files${skipped.length ? ` (${skipped.length} skipped: ${skipped.slice(0, 3).map((s) => `${basename(s.path)}: ${s.reason}`).join('; ')})` : ''}`, 'point at a folder of audio files');
    return { cases, skipped };
  }
  const cases = extname(input).toLowerCase() === '.jsonl' ? readManifest(input) : [{ id: basename(input), audio: input, text: '', kind: 'audio' }];
  await probe(cases);
  return { cases, skipped: [] };
}
