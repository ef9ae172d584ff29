import { statSync } from 'node:fs';
import { basename, relative, sep } from 'node:path';
import { AudioInputError, isAsrParityError } from '../errors.ts';
import type { Case, CaseList, SkippedInput } from './case.ts';
import { loadCaseAudio } from './case-audio.ts';
import { filesUnder, headOf } from './corpus/corpus-files.ts';
import type { CorpusOptions } from './corpus/corpus-format.ts';
import type { CorpusFormatName, InputFormat } from './corpus/format-names.ts';
import { CORPUS_FORMATS } from './corpus/index.ts';
import { loadAudioOnce } from './decoded-once.ts';

export type { Case, CaseList, CorpusCommand, SkippedInput } from './case.ts';
export { readManifest } from './corpus/jsonl.ts';

/** Extensions a folder walk tries to decode; content decides the format, and what fails to decode is listed as skipped. */
const AUDIO_EXT = /\.(wav|wave|rf64|bw64|w64|flac|mp3|mp2|ogg|oga|opus|m4a|mp4|aac|aif|aiff|aifc|caf|wma|webm|mka|amr|au|snd)$/i;

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
  let head: Buffer;
  try {
    head = headOf(path, 12);
  } catch {
    return false;
  }
  return AUDIO_MAGIC.some((m) => head.length >= m.at + m.bytes.length && head.toString('latin1', m.at, m.at + m.bytes.length) === m.bytes);
}

/**
 * How to read an input: its format when the user names it (else detected), the corpus readers'
 * options, and `select`: which of the listed cases the run will use (eval-accuracy's
 * --num-test-cases, the long cases left out). Only those are decoded up front: a 10,000-case
 * corpus run on its first 5 cases decodes 5 files, not 10,000.
 */
export type ResolveOptions = CorpusOptions & { format?: InputFormat; select?: (cases: Case[]) => Case[] };

/** Decodes each case, so bad audio is found before any backend is loaded (kept: the run reuses it, decoded-once.ts). */
async function probe(cases: readonly Case[]): Promise<void> {
  for (const c of cases) await loadCaseAudio(c);
}

/** Which format an input is, by its layout and content (corpus formats in their registry order), when the user did not say. */
export function detectFormat(input: string, isDirectory: boolean): InputFormat {
  for (const [name, f] of Object.entries(CORPUS_FORMATS)) if (f.detect(input, isDirectory)) return name as CorpusFormatName;
  return isDirectory ? 'folder' : 'audio';
}

/**
 * A file, a folder (walked, subfolders too), or a corpus (asr-parity's .jsonl manifest, or one of
 * CORPUS_FORMATS, recognised by layout and content unless `format` says which), as a list of
 * cases. In a folder, ids are paths relative to it (so take1.wav and take1.flac are two cases),
 * and a file that is not audio or does not decode is listed as skipped with why; a single file or
 * a corpus case that does not decode is an error, since the user named it.
 */
export async function resolveCases(input: string, o: ResolveOptions = {}): Promise<CaseList> {
  let st;
  try {
    st = statSync(input);
  } catch {
    throw new AudioInputError(input, 'not found', 'give an audio file, a folder of them, or a .jsonl manifest');
  }
  const format = o.format ?? detectFormat(input, st.isDirectory());
  const select = o.select ?? ((cases: Case[]) => cases);
  if (format !== 'folder' && format !== 'audio') {
    const list = await CORPUS_FORMATS[format].read(input, o);
    const cases = select(list.cases);
    await probe(cases);
    return { ...list, cases, format };
  }
  if (format === 'folder') {
    if (!st.isDirectory()) throw new AudioInputError(input, 'is not a folder', 'drop --format folder, or give a folder');
    const cases: Case[] = [];
    const skipped: SkippedInput[] = [];
    for (const f of filesUnder(input)) {
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
    return { cases, skipped, format };
  }
  if (st.isDirectory()) throw new AudioInputError(input, 'is a folder', 'drop --format audio, or give one audio file');
  const cases = [{ id: basename(input), audio: input, text: '', kind: 'audio' }];
  await probe(cases);
  return { cases, skipped: [], format };
}
