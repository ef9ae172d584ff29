import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cpuFp32 from '../backends/cpu-fp32.ts';
import type { LoadedBackend } from '../backends/types.ts';
import { FIXTURE_DIR, PARITY_MODELS } from '../fixtures/generate.ts';
import { decodeAudioBuffer, loadAudio } from '../harness/audio/load-audio.ts';
import { resolveCases } from '../harness/audio/manifest.ts';
import { AudioInputError } from '../harness/errors.ts';
import { readReport } from '../harness/report/report-file.ts';

/**
 * Every format a user's test set comes in, written by the real tools (ffmpeg, sox) from one
 * fixture: each decodes, lossless ones to the very samples of the WAV source, and each gives
 * the WAV source's transcript. bin/ensure-test-tools.sh installs ffmpeg and sox.
 */
const SOURCE = join(FIXTURE_DIR, 'audio/speech-02.wav');
const dir = mkdtempSync(join(tmpdir(), 'asr-parity-formats-'));
const at = (f: string) => join(dir, f);
const ffmpeg = (...a: string[]) => execa('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', SOURCE, ...a]);
const sox = (...a: string[]) => execa('sox', [SOURCE, ...a]);

/** name, how it is made, the format label the decoder records, whether its samples must equal the source's. */
const FORMATS: [string, () => Promise<unknown>, RegExp, 'lossless' | 'g711' | 'lossy'][] = [
  ['s.mp3', () => ffmpeg('-c:a', 'libmp3lame', '-b:a', '64k', at('s.mp3')), /^mp3$/, 'lossy'],
  ['s.ogg', () => ffmpeg('-c:a', 'libvorbis', at('s.ogg')), /^ogg\/vorbis$/, 'lossy'],
  ['s.opus', () => ffmpeg('-c:a', 'libopus', at('s.opus')), /^ogg\/opus$/, 'lossy'],
  ['s.m4a', () => ffmpeg('-c:a', 'aac', at('s.m4a')), /^mp4\/aac \(ffmpeg\)$/, 'lossy'],
  ['s.aiff', () => sox(at('s.aiff')), /^aiff\/pcm16$/, 'lossless'],
  ['s-float.aifc', () => sox('-e', 'floating-point', '-b', '32', at('s-float.aifc')), /^aifc\/float32$/, 'lossless'],
  ['s.caf', () => ffmpeg('-f', 'caf', at('s.caf')), /^caf\/pcm_s16be \(ffmpeg\)$/, 'lossless'],
  ['mulaw.wav', () => sox('-e', 'u-law', at('mulaw.wav')), /^wav\/mulaw$/, 'g711'],
  ['alaw.wav', () => sox('-e', 'a-law', at('alaw.wav')), /^wav\/alaw$/, 'g711'],
  // what `ffmpeg -i in -f wav - > out.wav` leaves: RIFF and data sizes 0xFFFFFFFF
  ['pipe.wav', async () => writeFileSync(at('pipe.wav'), (await execa('ffmpeg', ['-nostdin', '-v', 'error', '-i', SOURCE, '-f', 'wav', 'pipe:1'], { encoding: 'buffer' })).stdout), /^wav\/pcm16$/, 'lossless'],
  ['rf64.wav', () => ffmpeg('-rf64', 'always', at('rf64.wav')), /^rf64\/pcm16$/, 'lossless'],
  ['extensible-24.wav', () => ffmpeg('-c:a', 'pcm_s24le', at('extensible-24.wav')), /^wav\/pcm24$/, 'lossless'],
];

let source: Awaited<ReturnType<typeof loadAudio>>;
let model: LoadedBackend;
let sourceText: string;

beforeAll(async () => {
  await Promise.all(FORMATS.map(([, make]) => make()));
  source = await loadAudio(SOURCE);
  model = await cpuFp32.load({ model: PARITY_MODELS.fp32 });
  sourceText = (await model.transcribe(source)).text;
});
afterAll(() => model?.dispose());

describe('audio formats written by ffmpeg and sox', () => {
  it('the headers really are what the test names (the tools did not fall back to plain WAV)', () => {
    const head = (f: string, n = 4) => readFileSync(at(f)).toString('latin1', 0, n);
    expect(readFileSync(at('pipe.wav')).readUInt32LE(4)).toBe(0xffffffff);
    expect(head('rf64.wav')).toBe('RF64');
    expect(readFileSync(at('extensible-24.wav')).readUInt16LE(20)).toBe(0xfffe);
    expect(readFileSync(at('mulaw.wav')).readUInt16LE(20)).toBe(7);
    expect(readFileSync(at('alaw.wav')).readUInt16LE(20)).toBe(6);
    expect(head('s.aiff', 12)).toBe(`FORM${readFileSync(at('s.aiff')).toString('latin1', 4, 8)}AIFF`);
  });

  it.each(FORMATS.map(([f, , label, kind]) => [f, label, kind] as const))('%s decodes (%s)', async (f, label, kind) => {
    const a = await loadAudio(at(f));
    expect(a.source.format).toMatch(label);
    if (kind === 'lossless') {
      expect(a.samples.length).toBe(source.samples.length);
      let worst = 0;
      for (let i = 0; i < a.samples.length; i++) worst = Math.max(worst, Math.abs(a.samples[i]! - source.samples[i]!));
      // 16-bit source: float32 and 24-bit copies are exact; the same integers read another way give the same floats
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it.each(['mulaw.wav', 'alaw.wav'])('%s decodes to the same samples as ffmpeg decodes it (the G.711 tables)', async (f) => {
    const ours = await decodeAudioBuffer(readFileSync(at(f)), f);
    const theirs = (await execa('ffmpeg', ['-nostdin', '-v', 'error', '-i', at(f), '-f', 's16le', '-c:a', 'pcm_s16le', 'pipe:1'], { encoding: 'buffer' })).stdout;
    const ref = new Int16Array(theirs.buffer, theirs.byteOffset, theirs.byteLength / 2);
    expect(ours.channels[0]!.length).toBe(ref.length);
    let mismatches = 0;
    for (let i = 0; i < ref.length; i++) if (Math.round(ours.channels[0]![i]! * 32768) !== ref[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  // lossy codecs change the samples; the claim is the one a user cares about: the transcript is
  // the WAV source's. (Lossless formats decode to the source's very samples, checked above: the
  // same transcript would be true by construction, and costs a transcription each.)
  it.each(FORMATS.filter(([, , , kind]) => kind === 'lossy').map(([f]) => f))('%s gives the WAV source\'s transcript', async (f) => {
    expect(sourceText.length).toBeGreaterThan(0);
    expect((await model.transcribe(await loadAudio(at(f)))).text).toBe(sourceText);
  });

  // G.711 is 8-bit companding (about 38 dB SNR): on this fixture it changes the generated test
  // model's answer ('ash oak' for 'elm oak'; its top-1 margins are narrow by design). The honest
  // claim is then: the same transcript as ffmpeg's decoding of the same file to 16-bit PCM.
  it.each(['mulaw.wav', 'alaw.wav'])('%s gives the transcript of ffmpeg\'s own decoding of it', async (f) => {
    const pcm = at(`${f}.ffmpeg-pcm16.wav`);
    await execa('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', at(f), '-c:a', 'pcm_s16le', pcm]);
    const viaFfmpeg = (await model.transcribe(await loadAudio(pcm))).text;
    expect(viaFfmpeg.length).toBeGreaterThan(0);
    expect((await model.transcribe(await loadAudio(at(f)))).text).toBe(viaFfmpeg);
  });
});

describe('audio that cannot be decoded', () => {
  const bad = (name: string, bytes: Buffer | string) => {
    writeFileSync(at(name), bytes);
    return at(name);
  };

  it.each([
    ['fake.mp3', () => Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00 not really an mp3', 'latin1'), /fake\.mp3: .*MP3/],
    ['fake.ogg', () => Buffer.concat([Buffer.from('OggS\x00\x02', 'latin1'), Buffer.alloc(22), Buffer.from('\x01\x1eOpusHead garbage', 'latin1')]), /fake\.ogg: .*Ogg Opus/],
    ['cut.m4a', () => readFileSync(at('s.m4a')).subarray(0, 2000), /cut\.m4a: cannot decode MP4\/M4A/],
    ['notes.wav', () => Buffer.from('just some text, not audio at all'), /notes\.wav: not a recognised audio format/],
    ['cut.aiff', () => readFileSync(at('s.aiff')).subarray(0, 3000), /cut\.aiff: AIFF: truncated: COMM says \d+ frames but the SSND chunk holds \d+/],
    ['cut-rf64.wav', () => readFileSync(at('rf64.wav')).subarray(0, 3000), /cut-rf64\.wav: truncated: the data chunk claims \d+ bytes/],
  ] as const)('%s is an AudioInputError naming the file and the format', async (name, bytes, message) => {
    const f = bad(name, bytes());
    const e = await loadAudio(f).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AudioInputError);
    expect((e as Error).message).toMatch(message);
  });

  it('without ffmpeg on PATH, an M4A is refused with what to install (the built-in decoders still work)', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(loadAudio(at('s.m4a'))).rejects.toThrow(/s\.m4a: MP4\/M4A needs ffmpeg to decode, and ffmpeg is not installed/);
      expect((await loadAudio(at('s.mp3'))).source.format).toBe('mp3');
    } finally {
      process.env.PATH = path;
    }
  });

  it('a folder lists what it could not decode as skipped, and keeps every format it could', async () => {
    const folder = at('mixed');
    mkdirSync(folder);
    for (const f of ['s.mp3', 's.opus', 's.m4a', 'mulaw.wav']) copyFileSync(at(f), join(folder, f));
    writeFileSync(join(folder, 'broken.mp3'), 'ID3\x03 nothing after the tag');
    writeFileSync(join(folder, 'notes.txt'), 'not audio');
    const r = await resolveCases(folder);
    expect(r.cases.map((c) => c.id)).toEqual(['mulaw.wav', 's.m4a', 's.mp3', 's.opus']);
    expect(r.skipped.map((s) => [s.path.slice(folder.length + 1), s.reason])).toEqual([
      ['broken.mp3', expect.stringMatching(/MP3/)],
      ['notes.txt', 'not an audio file by its extension or its first bytes'],
    ]);
  });
});

describe('the CLI with these formats', () => {
  const BIN = resolve(import.meta.dirname, '../bin/asr-parity.mjs');
  const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, stdin: 'ignore' });

  // one file, through ffmpeg (the wasm decoders are the same code path as WAV once decoded): every case costs two models' transcription and teacher forcing
  it('compare --audio on a folder of mixed formats runs every decodable file and lists the rest as skipped in the output and the report', async () => {
    const folder = at('cli-mixed');
    mkdirSync(folder);
    copyFileSync(at('s.m4a'), join(folder, 's.m4a'));
    writeFileSync(join(folder, 'broken.mp3'), 'ID3\x03 nothing after the tag');
    const out = at('mixed.json');
    const r = await cli('compare', '--backend', 'cpu-fp16', '--audio', folder, '--output', out);
    expect([0, 1], r.stderr).toContain(r.exitCode);
    expect(r.stdout).toMatch(/skipped input .*broken\.mp3: .*MP3/);
    const report = readReport(out);
    expect(report.backends[1]!.accuracy!.cases.map((c) => [c.id, c.audio, c.audioFormat])).toEqual([['s.m4a', join(folder, 's.m4a'), 'mp4/aac (ffmpeg)']]);
    expect(report.inputs?.skipped?.map((s) => s.path.split('/').pop())).toEqual(['broken.mp3']);
  });
});
