import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AudioInputError } from '../../errors.ts';
import { readUtf8 } from '../../io/read-utf8.ts';

/** The first bytes of a file (for recognising a format without reading a large file whole). */
export function headOf(path: string, bytes = 65536): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** The first non-empty line of a text file, or undefined. */
export function firstLineOf(path: string): string | undefined {
  return headOf(path).toString('utf8').split('\n').find((l) => l.trim())?.trim();
}

/** A UTF-8 text file's non-empty lines with their 1-based numbers. */
export function numberedLines(path: string, what: string): { n: number; line: string }[] {
  return readUtf8(path, what)
    .split('\n')
    .map((line, i) => ({ n: i + 1, line: line.replace(/\r$/, '') }))
    .filter((l) => l.line.trim());
}

/** Every file under a folder, sorted by path, subfolders too. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** An audio file a corpus line names must exist: the error names the line, not just the file. */
export function audioMustExist(audio: string, where: string): string {
  if (!existsSync(audio) || !statSync(audio).isFile()) throw new AudioInputError(where, `audio file ${audio} not found`, 'paths are relative to the file that names them');
  return audio;
}

/** Case ids must be unique: the gate pairs baseline and device results by id. */
export class CaseIds {
  private readonly seen = new Map<string, string>();

  add(id: string, where: string): string {
    const first = this.seen.get(id);
    if (first !== undefined) throw new AudioInputError(where, `case id "${id}" is already used at ${first}`, 'every case needs its own id');
    this.seen.set(id, where);
    return id;
  }
}

/** A `KEY REST` line (Kaldi tables, LibriSpeech transcripts): the first word, and the rest trimmed. */
export function keyed(line: string): { key: string; rest: string } {
  const t = line.trim();
  const sp = t.search(/\s/);
  return sp < 0 ? { key: t, rest: '' } : { key: t.slice(0, sp), rest: t.slice(sp).trim() };
}
