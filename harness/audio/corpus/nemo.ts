import { dirname, resolve } from 'node:path';
import { AudioInputError } from '../../errors.ts';
import type { Case } from '../case.ts';
import { audioMustExist, CaseIds, numberedLines } from './corpus-files.ts';
import { defineCorpusFormat } from './corpus-format.ts';
import { firstObjectKeys } from './jsonl.ts';

const isSeconds = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * NVIDIA NeMo's manifest: one JSON object a line, `audio_filepath` (relative paths against the
 * manifest's folder), `text`, `duration` in seconds and, for an utterance cut from a longer file,
 * `offset` (then the case is [offset, offset + duration]). NeMo's other fields (lang, pnc,
 * speaker...) are allowed and not used. The case id is `audio_filepath` as written, with the
 * offset when there is one (many utterances of one file).
 */
function readNemo(path: string): Case[] {
  const base = dirname(resolve(path));
  const ids = new CaseIds();
  return numberedLines(path, 'NeMo manifest').map(({ n, line }) => {
    const where = `${path}:${n}`;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new AudioInputError(where, 'not valid JSON', 'each NeMo manifest line is one JSON object');
    }
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new AudioInputError(where, 'not a JSON object', 'each NeMo manifest line is one JSON object');
    if (typeof e.audio_filepath !== 'string' || !e.audio_filepath) throw new AudioInputError(where, 'field "audio_filepath" must be a non-empty string', 'NeMo manifests name the audio in "audio_filepath"');
    if (typeof e.text !== 'string') throw new AudioInputError(where, 'field "text" must be a string', 'NeMo manifests carry the reference in "text"');
    if (!isSeconds(e.duration)) throw new AudioInputError(where, 'field "duration" must be a number of seconds', 'NeMo manifests give each utterance\'s duration');
    if (e.offset !== undefined && !isSeconds(e.offset)) throw new AudioInputError(where, 'field "offset" must be a number of seconds', 'or leave it out for the whole file');
    const offset = e.offset as number | undefined;
    const id = ids.add(offset === undefined ? e.audio_filepath : `${e.audio_filepath}@${offset}`, where);
    const c: Case = { id, audio: audioMustExist(resolve(base, e.audio_filepath), where), text: e.text, kind: 'audio' };
    if (offset !== undefined) c.segment = { start: offset, end: offset + e.duration };
    return c;
  });
}

export default defineCorpusFormat({
  name: 'nemo',
  description: 'NVIDIA NeMo manifest: JSON Lines of {"audio_filepath", "text", "duration", "offset"?}',
  detect: (input, isDir) => !isDir && firstObjectKeys(input)?.includes('audio_filepath') === true,
  read: (input) => ({ cases: readNemo(input), skipped: [] }),
});
