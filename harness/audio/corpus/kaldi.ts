import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AudioInputError } from '../../errors.ts';
import type { Case, CorpusCommand } from '../case.ts';
import { audioMustExist, CaseIds, keyed, numberedLines } from './corpus-files.ts';
import { defineCorpusFormat, type CorpusOptions } from './corpus-format.ts';
import { extractedAudioFile } from './extracted-audio.ts';

/** Characters that make a command need a shell: anything but plain words separated by spaces. */
const SHELL_SYNTAX = /["'\\$`;&<>|(){}*?~!#]/;

/** `key rest` lines of a Kaldi table file, keyed, each with where it was written. */
function table(path: string, what: string): Map<string, { rest: string; where: string }> {
  const out = new Map<string, { rest: string; where: string }>();
  for (const { n, line } of numberedLines(path, what)) {
    const where = `${path}:${n}`;
    const { key, rest } = keyed(line);
    const first = out.get(key);
    if (first) throw new AudioInputError(where, `"${key}" is already listed at ${first.where}`, `each key appears once in ${what}`);
    out.set(key, { rest, where });
  }
  return out;
}

/**
 * A `wav.scp` pipeline (`flac -c -d -s a.flac |`): a command taken from a data file, so run only
 * when the user allowed it, without a shell when it is plain words (then no quoting, globbing or
 * chaining can hide in it), with `sh -c` only when it needs one; its stdout is the recording.
 */
function runPipe(text: string, where: string, commands: CorpusCommand[]): string {
  const shell = SHELL_SYNTAX.test(text);
  const [program = '', ...args] = shell ? ['sh', '-c', text] : text.split(/\s+/);
  const argv = [program, ...args];
  commands.push({ where, argv, shell });
  const r = spawnSync(program, args, { maxBuffer: 2 ** 31 - 1, timeout: 600_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}: ${r.stderr.toString().trim().split('\n').slice(-2).join(' / ')}`;
    throw new AudioInputError(where, `the wav.scp command failed (${why})`, `it ran: ${argv.join(' ')}`);
  }
  if (!r.stdout.length) throw new AudioInputError(where, 'the wav.scp command wrote no audio', `it ran: ${argv.join(' ')}`);
  return extractedAudioFile('pipe.wav', r.stdout);
}

/** Where a recording's audio is: a file (relative to the working directory, as Kaldi reads it), or a pipeline's output when allowed. */
function recordingFile(rx: string, where: string, o: CorpusOptions, commands: CorpusCommand[]): string {
  if (rx.endsWith('|')) {
    const text = rx.slice(0, -1).trim();
    if (!o.allowPipes) throw new AudioInputError(where, `wav.scp entry is a command (${text} |): refused, since it would run a command taken from a data file`, 'pass --allow-pipes to run it, or convert the recordings to files first');
    return runPipe(text, where, commands);
  }
  if (rx === '-' || /\.ark:\d+$/.test(rx)) throw new AudioInputError(where, `wav.scp entry "${rx}" is an archive offset or stdin`, 'point wav.scp at audio files (wav-copy the archive out first)');
  return audioMustExist(resolve(rx), where);
}

/**
 * A Kaldi data folder: `wav.scp` (recording id, then a file or a `cmd |` pipeline), `text`
 * (utterance id, then the words), and optionally `segments` (utterance, recording, start, end in
 * seconds; end -1 is the end), which cuts utterances from the recordings. Without `segments`,
 * utterances are the recordings. `utt2spk` is Kaldi's speaker map; the gate does not use speakers.
 */
function readKaldi(dir: string, o: CorpusOptions): { cases: Case[]; commands: CorpusCommand[] } {
  const wavScp = table(join(dir, 'wav.scp'), 'wav.scp');
  const text = table(join(dir, 'text'), 'text');
  const segmentsFile = join(dir, 'segments');
  const segments = existsSync(segmentsFile) ? table(segmentsFile, 'segments') : undefined;
  const commands: CorpusCommand[] = [];
  const files = new Map<string, string>();
  const fileOf = (rec: string, where: string): string => {
    const entry = wavScp.get(rec);
    if (!entry) throw new AudioInputError(where, `recording "${rec}" is not in wav.scp`, 'every recording a segment names needs a wav.scp line');
    if (!files.has(rec)) files.set(rec, recordingFile(entry.rest, entry.where, o, commands));
    return files.get(rec)!;
  };
  const ids = new CaseIds();
  const cases: Case[] = [];
  for (const [utt, { rest, where }] of segments ?? wavScp) {
    const c: Case = { id: ids.add(utt, where), audio: '', text: text.get(utt)?.rest ?? '', kind: 'audio' };
    if (segments) {
      const [rec, start, end, ...extra] = rest.split(/\s+/);
      const s = Number(start);
      const e = Number(end);
      if (!rec || extra.length || !Number.isFinite(s) || s < 0 || !Number.isFinite(e) || (e !== -1 && e <= s)) throw new AudioInputError(where, `a segments line is "utterance recording start end" in seconds (end -1: the end), not "${utt} ${rest}"`, 'see Kaldi\'s data preparation docs');
      c.audio = fileOf(rec, where);
      c.segment = e === -1 ? { start: s } : { start: s, end: e };
    } else {
      c.audio = fileOf(utt, where);
    }
    cases.push(c);
  }
  const known = new Set(cases.map((c) => c.id));
  for (const [utt, { where }] of text) if (!known.has(utt)) throw new AudioInputError(where, `utterance "${utt}" has text but no audio`, segments ? 'add it to segments' : 'add it to wav.scp');
  return { cases, commands };
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

export default defineCorpusFormat({
  name: 'kaldi',
  description: 'Kaldi data folder: wav.scp, text, optional segments (and utt2spk)',
  detect: (input, isDir) => isDir && isFile(join(input, 'wav.scp')) && isFile(join(input, 'text')),
  read: (input, o) => ({ ...readKaldi(input, o), skipped: [] }),
});
