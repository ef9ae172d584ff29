import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCommonVoice, writeKaldi, writeKaldiSegments, writeLibriSpeech, writeNemo, writeNemoOffsets, writeParquet, type WrittenCorpus } from '../../../fixtures/corpora.ts';
import { MANIFEST } from '../../../fixtures/generate.ts';
import { isAsrParityError } from '../../errors.ts';
import type { Case } from '../case.ts';
import { loadCaseAudio } from '../case-audio.ts';
import { readManifest, resolveCases } from '../manifest.ts';
import type { InputFormat } from './format-names.ts';

/**
 * Every corpus format, written by the test from the fixtures' JSON Lines manifest, read back by
 * resolveCases must give the manifest's cases: each case's id (as that format names it), its
 * reference text and its 16 kHz samples, and the format recognised by layout and content. This is
 * the case-list level for the fixtures: every kind (tones, chord, sweep, silence, noise, the
 * sentences) and the passages the FLAC decoder gives short (below), not the other 23 passages:
 * they are more of the same kind for a format reader, and decoding 386 s of them through seven
 * formats was a third of this file's time. suites/corpus-formats.test.ts takes a few through `compare`.
 */
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-corpora-'));

/**
 * Same samples: bit for bit, except through FLAC, whose decoder (@wasm-audio-decoders/flac) scales
 * 16-bit integers by 1/32767 where the WAV reader scales by 1/32768: there, within that ratio.
 */
function sameSamples(got: Float32Array, want: Float32Array, scaleTolerance: number): string | undefined {
  if (got.length !== want.length) return `${got.length} samples, not ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    if (Math.abs(got[i]! - want[i]!) > Math.abs(want[i]!) * scaleTolerance + 1e-7) return `sample ${i}: ${got[i]} vs ${want[i]}`;
  }
  return undefined;
}

/**
 * Cases whose FLAC (written by Debian's `flac`) the wasm FLAC decoder gives short: `flac -d` gives
 * every sample back, @wasm-audio-decoders/flac 0.2.11 loses the last, short frame (silence-2s:
 * 28,672 of 32,000 samples; speech-06: 26,749 of 28,281, 96 ms of speech), decodeFile and
 * decode+flush alike. A decoder bug, not a corpus one (to be filed); listed so the LibriSpeech
 * check covers every other case, and kept honest: a listed case that decodes right fails the
 * test (remove it then).
 */
const FLAC_DECODER_SHORT = ['silence-2s', 'speech-03', 'speech-06', 'passage-04', 'passage-09', 'passage-18'];

const all = readManifest(MANIFEST).filter((c) => c.kind !== 'long' && (c.kind !== 'passage' || FLAC_DECODER_SHORT.includes(c.id)));
const texts = new Map(all.map((c) => [c.id, c.text]));

const WRITERS: Record<string, { format: InputFormat; write: (cases: readonly Case[], dir: string) => WrittenCorpus | Promise<WrittenCorpus>; text?: (t: string) => string; flac?: true }> = {
  nemo: { format: 'nemo', write: writeNemo },
  'nemo with offsets': { format: 'nemo', write: writeNemoOffsets },
  kaldi: { format: 'kaldi', write: (c, d) => writeKaldi(c, d) },
  'kaldi with segments': { format: 'kaldi', write: writeKaldiSegments },
  // LibriSpeech's transcripts are upper case
  librispeech: { format: 'librispeech', write: writeLibriSpeech, text: (t) => t.toUpperCase(), flac: true },
  'common voice': { format: 'common-voice', write: writeCommonVoice },
  'hugging face parquet': { format: 'parquet', write: writeParquet },
};

const written = new Map<string, WrittenCorpus>();
beforeAll(async () => {
  for (const [name, w] of Object.entries(WRITERS)) written.set(name, await w.write(all, join(tmp, name.replace(/ /g, '-'))));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('each corpus format gives the JSON Lines manifest\'s cases', () => {
  for (const [name, w] of Object.entries(WRITERS)) {
    it(`${name}: recognised as ${w.format}; same ids, reference texts and samples`, async () => {
      const corpus = written.get(name)!;
      const list = await resolveCases(corpus.input);
      expect(list.format, `${name} recognised as`).toBe(w.format);
      expect(list.cases.map((c) => c.id)).toEqual(all.map(corpus.idOf));
      const differ: string[] = [];
      for (const [i, c] of list.cases.entries()) {
        const want = all[i]!;
        expect(c.text, `${c.id}: reference text`).toBe((w.text ?? ((t: string) => t))(texts.get(want.id)!));
        const [got, expected] = [await loadCaseAudio(c), await loadCaseAudio(want)];
        const why = sameSamples(got.samples, expected.samples, w.flac ? 1 / 32767 : 0);
        if (why) differ.push(`${want.id}: ${why}`);
      }
      expect(differ.map((d) => d.split(':')[0]), `cases whose samples differ: ${differ.join('; ')}`).toEqual(w.flac ? FLAC_DECODER_SHORT : []);
      // forced, the same
      expect((await resolveCases(corpus.input, { format: w.format })).cases.map((c) => c.id)).toEqual(list.cases.map((c) => c.id));
    });
  }
});

const problem = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (isAsrParityError(e)) return `${e.input}: ${e.problem}`;
    throw e;
  }
  return 'no error';
};

describe('corpus input that is wrong is an error naming the line', () => {
  // speech-01 first: the manifest lists tones first
  const two = ['speech-01', 'tone-440hz'].map((id) => all.find((c) => c.id === id)!);

  it('a Kaldi wav.scp command is refused without --allow-pipes; with it, plain words run without a shell and a pipeline through sh -c, both recorded', async () => {
    const plain = writeKaldi(two, join(tmp, 'pipe-plain'), 'plain');
    expect(await problem(resolveCases(plain.input))).toMatch(/wav\.scp:1: wav\.scp entry is a command \(cat .*speech-01\.wav \|\): refused, since it would run a command taken from a data file$/);
    const ran = await resolveCases(plain.input, { allowPipes: true });
    expect(ran.commands).toEqual(two.map((c, i) => ({ where: `${join(plain.input, 'wav.scp')}:${i + 1}`, argv: ['cat', c.audio], shell: false })));
    expect((await loadCaseAudio(ran.cases[0]!)).samples).toEqual((await loadCaseAudio(two[0]!)).samples);
    const shell = writeKaldi(two, join(tmp, 'pipe-shell'), 'shell');
    expect(await problem(resolveCases(shell.input))).toMatch(/refused/);
    const viaShell = await resolveCases(shell.input, { allowPipes: true });
    expect(viaShell.commands?.map((c) => [c.shell, c.argv[0], c.argv[1]])).toEqual([[true, 'sh', '-c'], [true, 'sh', '-c']]);
  });

  it('a failing Kaldi command names its line and what ran', async () => {
    const dir = join(tmp, 'pipe-fails');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'wav.scp'), 'u1 false |\n');
    writeFileSync(join(dir, 'text'), 'u1 hello\n');
    expect(await problem(resolveCases(dir, { allowPipes: true }))).toMatch(/wav\.scp:1: the wav\.scp command failed \(exit 1/);
  });

  it('asr-parity\'s manifest: an unknown field ("txt") and a missing audio file are errors naming the line', async () => {
    const m = join(tmp, 'typo.jsonl');
    writeFileSync(m, `${JSON.stringify({ id: 'a', audio: two[0]!.audio, text: 'fine' })}\n${JSON.stringify({ id: 'b', audio: two[1]!.audio, txt: 'typo' })}\n`);
    expect(await problem(resolveCases(m))).toBe(`${m}:2: unknown field "txt"`);
    writeFileSync(m, `${JSON.stringify({ id: 'a', audio: two[0]!.audio })}\n${JSON.stringify({ id: 'b', audio: 'nowhere.wav' })}\n`);
    expect(await problem(resolveCases(m))).toBe(`${m}:2: audio file ${join(tmp, 'nowhere.wav')} not found`);
  });

  it('a missing audio file names the line in NeMo, Kaldi, LibriSpeech and Common Voice alike', async () => {
    const gone = [{ ...two[0]!, audio: join(tmp, 'gone.wav') }];
    const nemo = await writeNemo(two, join(tmp, 'nemo-gone'));
    writeFileSync(nemo.input, `${JSON.stringify({ audio_filepath: 'gone.wav', text: 'x', duration: 1 })}\n`);
    expect(await problem(resolveCases(nemo.input))).toBe(`${nemo.input}:1: audio file ${join(tmp, 'nemo-gone', 'gone.wav')} not found`);
    const kaldi = writeKaldi(gone, join(tmp, 'kaldi-gone'));
    expect(await problem(resolveCases(kaldi.input))).toMatch(/kaldi-gone\/wav\.scp:1: audio file .*gone\.wav not found/);
    const cv = writeCommonVoice(two, join(tmp, 'cv-gone'));
    rmSync(join(tmp, 'cv-gone', 'clips', 'tone-440hz.wav'));
    expect(await problem(resolveCases(cv.input))).toMatch(/cv-gone\/test\.tsv:3: audio file .*tone-440hz\.wav not found/);
  });

  it('a Kaldi segment past the end of its recording is an error naming the case', async () => {
    const k = await writeKaldiSegments(two, join(tmp, 'seg-past'));
    writeFileSync(join(k.input, 'segments'), 'speech-01 rec1 0 99\n');
    writeFileSync(join(k.input, 'text'), 'speech-01 hi\n');
    expect(await problem(resolveCases(k.input))).toMatch(/case speech-01: segment 0-99 s is outside the recording/);
  });
});
