import { readdirSync, statSync } from 'node:fs';
import { readUtf8 } from '../io/read-utf8.ts';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AudioInputError } from '../errors.ts';

/** One case to transcribe: an audio file and, where known, what was said. */
export interface Case {
  id: string;
  audio: string;
  text: string;
  kind: string;
}

/** Reads a JSONL manifest ({id?, audio, text?, kind?} per line); paths are relative to the manifest. */
export function readManifest(path: string): Case[] {
  const raw = readUtf8(path, 'manifest');
  const base = dirname(resolve(path));
  return raw
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line)
    .map(([line, n]) => {
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch {
        throw new AudioInputError(`${path}:${n}`, 'not valid JSON', 'each manifest line is one JSON object');
      }
      const e = o as Record<string, unknown>;
      if (typeof e.audio !== 'string') throw new AudioInputError(`${path}:${n}`, 'field "audio" must be a string path', 'see fixtures/README.md for the manifest format');
      if (e.text !== undefined && typeof e.text !== 'string') throw new AudioInputError(`${path}:${n}`, 'field "text" must be a string', 'see fixtures/README.md');
      return {
        id: typeof e.id === 'string' ? e.id : basename(e.audio, extname(e.audio)),
        audio: resolve(base, e.audio),
        text: (e.text as string | undefined) ?? '',
        kind: typeof e.kind === 'string' ? e.kind : 'audio',
      };
    });
}

/** A file, a folder of .wav/.flac files, or a .jsonl manifest, as a list of cases. */
export function resolveCases(input: string): Case[] {
  let st;
  try {
    st = statSync(input);
  } catch {
    throw new AudioInputError(input, 'not found', 'give an audio file, a folder of them, or a .jsonl manifest');
  }
  if (st.isDirectory()) {
    const files = readdirSync(input).filter((f) => /\.(wav|flac)$/i.test(f)).sort();
    if (!files.length) throw new AudioInputError(input, 'folder holds no .wav or .flac files', 'point at a folder of audio files');
    return files.map((f) => ({ id: basename(f, extname(f)), audio: join(input, f), text: '', kind: 'audio' }));
  }
  if (input.endsWith('.jsonl')) return readManifest(input);
  return [{ id: basename(input, extname(input)), audio: input, text: '', kind: 'audio' }];
}
