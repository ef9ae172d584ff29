import { dirname, extname, resolve } from 'node:path';
import { AudioInputError } from '../../errors.ts';
import { readUtf8 } from '../../io/read-utf8.ts';
import type { Case } from '../case.ts';
import { audioMustExist, firstLineOf } from './corpus-files.ts';
import { defineCorpusFormat } from './corpus-format.ts';

/** The fields of asr-parity's own manifest line; any other is a typo until proven otherwise (a "txt" would silently drop the reference). */
const FIELDS = new Set(['id', 'audio', 'text', 'kind', 'duration']);

/**
 * Reads a JSONL manifest ({id?, audio, text?, kind?, duration?} per line); paths are relative to
 * the manifest. Without an id, a case is named by its audio path as written. A repeated id is an
 * error naming both lines: the gate pairs baseline and device results by id. An unknown field
 * or an audio file that is not there is an error naming the line.
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
    const unknown = Object.keys(e).filter((k) => !FIELDS.has(k));
    if (unknown.length) throw new AudioInputError(`${path}:${n}`, `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`, `a line has ${[...FIELDS].map((k) => `"${k}"`).join(', ')} (see fixtures/README.md); for a NeMo manifest pass --format nemo`);
    if (typeof e.audio !== 'string' || !e.audio) throw new AudioInputError(`${path}:${n}`, 'field "audio" must be a non-empty string path', 'see fixtures/README.md for the manifest format');
    if (e.text !== undefined && typeof e.text !== 'string') throw new AudioInputError(`${path}:${n}`, 'field "text" must be a string', 'see fixtures/README.md');
    if (e.id !== undefined && (typeof e.id !== 'string' || !e.id)) throw new AudioInputError(`${path}:${n}`, 'field "id" must be a non-empty string', 'see fixtures/README.md');
    const id = (e.id as string | undefined) ?? e.audio;
    const first = seen.get(id);
    if (first !== undefined) throw new AudioInputError(`${path}:${n}`, `case id "${id}" is already used on line ${first}`, 'every case needs its own id');
    seen.set(id, n);
    cases.push({ id, audio: audioMustExist(resolve(base, e.audio), `${path}:${n}`), text: (e.text as string | undefined) ?? '', kind: typeof e.kind === 'string' ? e.kind : 'audio' });
  }
  return cases;
}

/** The first line's keys, when it is a JSON object (for telling a NeMo manifest from ours). */
export function firstObjectKeys(path: string): string[] | undefined {
  try {
    const o = JSON.parse(firstLineOf(path) ?? '') as unknown;
    return typeof o === 'object' && o !== null && !Array.isArray(o) ? Object.keys(o) : undefined;
  } catch {
    return undefined;
  }
}

export default defineCorpusFormat({
  name: 'jsonl',
  description: 'asr-parity\'s manifest: JSON Lines of {"id", "audio", "text", "kind", "duration"}',
  // a .jsonl is ours unless it is another format's (listed before this one); ours by content under any name
  detect: (input, isDir) => !isDir && (['.jsonl'].includes(extname(input).toLowerCase()) || firstObjectKeys(input)?.includes('audio') === true),
  read: (input) => ({ cases: readManifest(input), skipped: [] }),
});
