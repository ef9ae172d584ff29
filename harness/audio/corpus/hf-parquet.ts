import { statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { AudioInputError } from '../../errors.ts';
import type { Case } from '../case.ts';
import { CaseIds, filesUnder, headOf } from './corpus-files.ts';
import { defineCorpusFormat } from './corpus-format.ts';
import { extractedAudioFile } from './extracted-audio.ts';

/** Column names Hugging Face ASR datasets give the reference, in the order tried. */
const TEXT_COLUMNS = ['text', 'sentence', 'transcription', 'transcript', 'normalized_text', 'raw_text'];
/** Column names that carry an utterance id, in the order tried; without one, the audio's own path, else file and row. */
const ID_COLUMNS = ['id', 'utterance_id', 'segment_id', 'audio_id', 'key'];
/** Rows read at a time: a row carries a whole clip, so a file is read in slices, each clip written out as it comes. */
const SLICE = 256;

const isParquet = (file: string) => statSync(file).isFile() && headOf(file, 4).toString('latin1') === 'PAR1';

/**
 * One parquet file of a Hugging Face dataset: the audio column is the `datasets` Audio feature
 * as stored, a struct of `bytes` (the encoded file) and `path` (its original name); the text
 * column is the first of TEXT_COLUMNS present. Each clip's bytes are written to a temporary
 * file (extracted-audio.ts) and decoded by content like any file. Read with hyparquet (pure
 * JavaScript, no dependencies; snappy and uncompressed pages, which is what `datasets` writes by
 * default; other codecs are refused by it with their name).
 */
async function readParquetFile(file: string, ids: CaseIds): Promise<Case[]> {
  let buffer;
  let metadata;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw new AudioInputError(file, `not a readable parquet file (${(e as Error).message})`, 'give a Hugging Face dataset\'s parquet file');
  }
  const top = parquetSchema(metadata).children;
  const audioCol = top.find((c) => c.children.some((k) => k.element.name === 'bytes') && c.children.some((k) => k.element.name === 'path'))?.element.name;
  const names = top.map((c) => c.element.name);
  const textCol = TEXT_COLUMNS.find((n) => names.includes(n));
  if (!audioCol || !textCol) throw new AudioInputError(file, `no ${audioCol ? 'text' : 'audio'} column (columns: ${names.join(', ')})`, `a dataset needs an audio column of {bytes, path} and a text column (${TEXT_COLUMNS.join(', ')})`);
  const idCol = ID_COLUMNS.find((n) => names.includes(n));
  const cases: Case[] = [];
  const rows = Number(metadata.num_rows);
  for (let start = 0; start < rows; start += SLICE) {
    let slice;
    try {
      slice = await parquetReadObjects({ file: buffer, metadata, columns: [audioCol, textCol, ...(idCol ? [idCol] : [])], rowStart: start, rowEnd: Math.min(rows, start + SLICE), utf8: false });
    } catch (e) {
      throw new AudioInputError(file, `rows ${start}-${Math.min(rows, start + SLICE) - 1} cannot be read (${(e as Error).message})`, 'write the dataset with snappy or no compression');
    }
    for (const [i, r] of slice.entries()) {
      const row = start + i;
      const where = `${file} row ${row}`;
      const audio = r[audioCol] as { bytes?: Uint8Array | null; path?: string | Uint8Array | null } | null;
      const text = r[textCol] as unknown;
      const clipName = typeof audio?.path === 'string' ? audio.path : audio?.path instanceof Uint8Array ? Buffer.from(audio.path).toString('utf8') : undefined;
      if (!(audio?.bytes instanceof Uint8Array) || !audio.bytes.length) throw new AudioInputError(where, `column "${audioCol}" holds no audio bytes`, 'the dataset must embed the audio (datasets\' Audio feature, as push_to_hub stores it)');
      if (typeof text !== 'string' && !(text instanceof Uint8Array)) throw new AudioInputError(where, `column "${textCol}" is not text`, 'the text column holds each clip\'s transcript');
      const idCell = idCol ? r[idCol] : undefined;
      const id = idCell !== undefined && idCell !== null ? String(idCell instanceof Uint8Array ? Buffer.from(idCell).toString('utf8') : idCell) : (clipName ?? `${basename(file)}#${row}`);
      cases.push({ id: ids.add(id, where), audio: extractedAudioFile(clipName ?? `${row}`, audio.bytes), text: typeof text === 'string' ? text : Buffer.from(text).toString('utf8'), kind: 'audio' });
    }
  }
  return cases;
}

/** A parquet file, or a folder of them (a dataset split's shards, read in name order). */
async function readParquet(input: string): Promise<Case[]> {
  const files = statSync(input).isDirectory() ? filesUnder(input).filter((f) => extname(f).toLowerCase() === '.parquet') : [input];
  const ids = new CaseIds();
  const cases: Case[] = [];
  for (const f of files) cases.push(...(await readParquetFile(f, ids)));
  return cases;
}

export default defineCorpusFormat({
  name: 'parquet',
  description: 'Hugging Face dataset in parquet: an audio column of {bytes, path} and a text column',
  detect: (input, isDir) => (isDir ? filesUnder(input).some((f) => extname(f).toLowerCase() === '.parquet' && isParquet(f)) : isParquet(input)),
  read: async (input) => ({ cases: await readParquet(input), skipped: [] }),
});
