import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, PARITY_MODELS } from '../fixtures/generate.ts';
import { encodeWav } from '../harness/audio/wav.ts';

/**
 * Hostile input through the CLI, as a user meets it: each gets exit code 2 and one line on
 * stderr naming the input and the problem, or, where the input is legal, a transcript. The
 * README's table of hostile inputs is this file.
 */
const BIN = resolve(import.meta.dirname, '../bin/asr-parity.mjs');
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, stdin: 'ignore', timeout: 120_000 });
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-hostile-'));
const file = (name: string, bytes: Buffer | string) => {
  const f = join(tmp, name);
  writeFileSync(f, bytes);
  return f;
};
const speech = join(FIXTURE_DIR, 'audio/speech-01.wav');
const tone = (rate: number, seconds: number, channels = 1, amp = 0.5) => {
  const n = Math.round(rate * seconds);
  const x = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) x[i * channels + c] = amp * Math.sin((2 * Math.PI * 440 * i) / rate);
  return x;
};
/** A WAV whose header says more data than the file holds. */
function lyingWav(): Buffer {
  const w = encodeWav(tone(16000, 1), 16000);
  w.writeUInt32LE(10_000_000, 40);
  return w;
}
/** The parity model with one tensor's first dimension changed in its header. */
function wrongShapeModel(): Buffer {
  const m = Buffer.from(readFileSync(PARITY_MODELS.fp16));
  const name = Buffer.from('encoder.conv1.weight');
  const at = m.indexOf(name);
  // tensor header: n_dims, name_len, type, dims..., name: the first dim sits 4 * n_dims bytes before the name
  const nDims = m.readInt32LE(at - 12 - 4 * 3);
  m.writeInt32LE(m.readInt32LE(at - 4 * nDims) + 1, at - 4 * nDims);
  return m;
}
/**
 * A copy of the generated Hugging Face parity folder with some files replaced (a Buffer or string)
 * or left out (null); the others are links to the real ones.
 */
function hfFolder(name: string, files: Record<string, Buffer | string | null>): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const f of readdirSync(PARITY_MODELS.hfSeed1)) if (!(f in files)) symlinkSync(join(PARITY_MODELS.hfSeed1, f), join(dir, f));
  for (const [f, bytes] of Object.entries(files)) if (bytes !== null) writeFileSync(join(dir, f), bytes);
  return dir;
}
const hfWeights = () => readFileSync(join(PARITY_MODELS.hfSeed1, 'model.safetensors'));
const hfConfig = () => JSON.parse(readFileSync(join(PARITY_MODELS.hfSeed1, 'config.json'), 'utf8')) as Record<string, unknown>;
/** The weights with their header edited (the data kept as it is). */
function editedWeights(edit: (h: Record<string, { shape: number[]; data_offsets: number[] }>) => void): Buffer {
  const w = hfWeights();
  const n = Number(w.readBigUInt64LE(0));
  const header = JSON.parse(w.subarray(8, 8 + n).toString());
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, w.subarray(8 + n)]);
}
function otherVersionLibrary(): string {
  const c = file('fakewhisper.c', 'const char *whisper_version(void) { return "1.5.4"; }\n');
  const so = join(tmp, 'libwhisper-1.5.so');
  execFileSync('cc', ['-shared', '-fPIC', '-o', so, c]);
  return so;
}

const rejected: [string, () => string[], RegExp][] = [
  ['an empty file', () => ['--audio', file('empty.wav', '')], /empty\.wav: empty file/],
  ['zero samples', () => ['--audio', file('zero.wav', encodeWav(new Float32Array(0), 16000))], /zero\.wav: .*no audio samples/],
  ['a truncated WAV', () => ['--audio', file('cut.wav', encodeWav(tone(16000, 1), 16000).subarray(0, 3000))], /cut\.wav: truncated/],
  ['a WAV header lying about its size', () => ['--audio', file('lies.wav', lyingWav())], /lies\.wav: truncated/],
  ['a truncated FLAC', () => ['--audio', file('cut.flac', `fLaC${'x'.repeat(50)}`)], /cut\.flac: .*FLAC/],
  ['an MP3 that is not one', () => ['--audio', file('song.mp3', Buffer.from('ID3\x03\x00\x00\x00 not really', 'latin1'))], /song\.mp3: .*MP3/],
  ['NaN and Inf samples', () => ['--audio', file('nan.wav', encodeWav(Float32Array.of(0, Number.NaN, Number.POSITIVE_INFINITY, 0), 16000, 'float32'))], /nan\.wav: .*NaN or infinite/],
  ['a directory where a file is expected', () => ['--audio', tmp], /is a directory/],
  ['a named pipe (would block a read forever)', () => {
    const p = join(tmp, 'pipe.wav');
    execFileSync('mkfifo', [p]);
    return ['--audio', p];
  }, /pipe\.wav: is not a regular file/],
  ['a missing file', () => ['--audio', join(tmp, 'nope.wav')], /nope\.wav: file not found/],
  ['a truncated model', () => ['--audio', speech, '--model', file('trunc.bin', readFileSync(PARITY_MODELS.fp16).subarray(0, 1_000_000))], /trunc\.bin: truncated/],
  ['a model with a bad magic', () => ['--audio', speech, '--model', file('magic.bin', Buffer.alloc(4096, 1))], /magic\.bin: bad magic/],
  ['a model with a wrong tensor shape', () => ['--audio', speech, '--model', file('shape.bin', wrongShapeModel())], /shape\.bin: .*(shape|size|truncated)/],
  // Hugging Face checkpoints: each refused before whisper.cpp or any conversion sees it
  ['a truncated safetensors file', () => ['--audio', speech, '--model', hfFolder('hf-truncated', { 'model.safetensors': hfWeights().subarray(0, 5_000_000) })], /hf-truncated\/model\.safetensors: tensor \S+: data_offsets \[\d+, \d+\] run past the end of the data/],
  ['a safetensors header length past the end of the file', () => {
    const w = hfWeights();
    w.writeBigUInt64LE(BigInt(w.length), 0);
    return ['--audio', speech, '--model', hfFolder('hf-header', { 'model.safetensors': w })];
  }, /hf-header\/model\.safetensors: header length \d+ runs past the end of the file/],
  ['safetensors data offsets past the end', () => ['--audio', speech, '--model', hfFolder('hf-offsets', { 'model.safetensors': editedWeights((h) => { h['model.decoder.layer_norm.bias']!.data_offsets[1]! += 64; }) })], /hf-offsets\/model\.safetensors: tensor model\.decoder\.layer_norm\.bias: data_offsets .* run past the end/],
  ['a missing shard', () => {
    const weightMap = { 'model.encoder.conv1.weight': 'model-00001-of-00002.safetensors', 'model.decoder.layer_norm.bias': 'model-00002-of-00002.safetensors' };
    return ['--audio', speech, '--model', hfFolder('hf-shard', { 'model.safetensors': null, 'model-00001-of-00002.safetensors': hfWeights(), 'model.safetensors.index.json': JSON.stringify({ weight_map: weightMap }) })];
  }, /hf-shard\/model-00002-of-00002\.safetensors: missing: model\.safetensors\.index\.json names this shard/],
  ['a wrong tensor shape', () => ['--audio', speech, '--model', hfFolder('hf-shape', { 'model.safetensors': editedWeights((h) => { h['model.encoder.layers.0.fc1.weight']!.shape.reverse(); }) })], /hf-shape\/model\.safetensors: tensor model\.encoder\.layers\.0\.fc1\.weight has shape \[128, 512\], config\.json's dimensions need \[512, 128\]/],
  ['an unknown architecture', () => ['--audio', speech, '--model', hfFolder('hf-arch', { 'config.json': JSON.stringify({ ...hfConfig(), model_type: 'wav2vec2', architectures: ['Wav2Vec2ForCTC'] }) })], /hf-arch\/config\.json: architecture "wav2vec2" is not Whisper/],
  ['pickle weights only (pytorch_model.bin)', () => ['--audio', speech, '--model', hfFolder('hf-pickle', { 'model.safetensors': null, 'pytorch_model.bin': Buffer.from('\x80\x02}q\x00.', 'latin1') })], /hf-pickle\/pytorch_model\.bin: holds PyTorch pickle weights only, which asr-parity does not load: unpickling runs code the file carries \(convert it to safetensors once: python -c .*save_pretrained.*safe_serialization=True/],
  ['a folder without config.json', () => ['--audio', speech, '--model', hfFolder('hf-noconfig', { 'config.json': null })], /hf-noconfig\/config\.json: missing: a Hugging Face Whisper folder needs config\.json/],
  ['a library that is not a whisper library', () => ['--audio', speech, '--library', '/lib/x86_64-linux-gnu/libz.so.1'], /libz\.so\.1: does not export whisper_version/],
  ['a whisper library of another version', () => ['--audio', speech, '--library', otherVersionLibrary()], /libwhisper-1\.5\.so: whisper\.cpp version 1\.5\.4 has a whisper_full_params layout asr-parity does not know/],
];

describe('hostile input gets exit 2 and one line naming it', () => {
  it.each(rejected)('%s', async (_what, args, message) => {
    const r = await cli('transcribe', '--backend', 'cpu-fp16', ...args());
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('non-UTF-8 in a manifest or a trn file is named by line', async () => {
    const manifest = file('bad.jsonl', Buffer.concat([Buffer.from(`{"audio":"${speech}","text":"fine"}\n{"audio":"${speech}","text":"caf`), Buffer.from([0xe9]), Buffer.from('"}\n')]));
    const r = await cli('compare', '--backend', 'cpu-fp16', '--audio', manifest);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:2: not valid UTF-8/);
    const trn = file('bad.trn', Buffer.concat([Buffer.from('ok (u1)\n'), Buffer.from([0xff, 0xfe]), Buffer.from(' (u2)\n')]));
    const s = await cli('score', '--ref', trn, '--hyp', trn);
    expect(s.stderr).toMatch(/bad\.trn:2: not valid UTF-8/);
  });

  it('a very long reference is scored, and one too long to align is refused, not a crash', async () => {
    const words = Array.from({ length: 2000 }, (_, i) => `w${i % 50}`).join(' ');
    const ok = await cli('score', '--ref', file('long-ref.trn', `${words} (u1)\n`), '--hyp', file('long-hyp.trn', `${words} extra (u1)\n`), '--json');
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ refWords: 2000, insertions: 1 });
    const huge = 'abcdefghij '.repeat(2000);
    const r = await cli('score', '--ref', file('huge-ref.trn', `${huge} (u1)\n`), '--hyp', file('huge-hyp.trn', `${huge}x (u1)\n`));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/u1: reference of 20000 and hypothesis of 20001 characters are too long to align in memory/);
  });

  it('a failed run does not touch an earlier report', async () => {
    const out = join(tmp, 'keep.json');
    const good = await cli('compare', '--backend', 'cpu-fp16', '--audio', speech, '--evidence', 'point', '--output', out);
    expect(good.exitCode, good.stderr).toBe(0);
    const before = readFileSync(out, 'utf8');
    const bad = await cli('compare', '--backend', 'cpu-fp16', '--audio', file('again-empty.wav', ''), '--output', out);
    expect(bad.exitCode).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe(before);
  });
});

describe('legal but unusual input is transcribed', () => {
  const accepted: [string, () => string][] = [
    ['8-bit WAV', () => file('u8.wav', pcmWav(tone(16000, 2), 16000, 1, 8))],
    ['32-bit float WAV', () => file('f32.wav', encodeWav(tone(16000, 2), 16000, 'float32'))],
    ['192 kHz', () => file('192k.wav', encodeWav(tone(192000, 2), 192000))],
    ['6 channels', () => file('6ch.wav', pcmWav(tone(48000, 2, 6), 48000, 6, 16))],
    ['clipping far past full scale', () => file('clip.wav', encodeWav(tone(16000, 2, 1, 4), 16000, 'float32'))],
    ['1 ms of audio', () => file('1ms.wav', encodeWav(tone(16000, 0.001), 16000))],
  ];
  it.each(accepted)('%s', async (_what, make) => {
    const r = await cli('transcribe', '--backend', 'cpu-fp16', '--audio', make(), '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(typeof JSON.parse(r.stdout).text).toBe('string');
  });

  it('a file name with spaces, quotes, $(...), backticks and a newline: transcribed as itself, and no shell ran it', async () => {
    // were the name ever put through a shell, $(...) or `...` would run `touch` in the CLI's
    // working directory or, after a cd, in the file's own folder: both are fresh and checked
    const folder = mkdtempSync(join(tmp, 'odd-name-'));
    const cwd = mkdtempSync(join(tmp, 'cli-cwd-'));
    const f = join(folder, `it's "odd" $(touch PWNED) \`touch PWNED-BACKTICK\`\nname.wav`);
    copyFileSync(speech, f);
    const run = (audio: string) => execa('node', [BIN, 'transcribe', '--backend', 'cpu-fp16', '--audio', audio, '--json'], { cwd, reject: false, stdin: 'ignore', timeout: 120_000 });
    const [odd, plain] = [await run(f), await run(speech)];
    expect(odd.exitCode, odd.stderr).toBe(0);
    expect(JSON.parse(odd.stdout)).toMatchObject({ audio: f, text: JSON.parse(plain.stdout).text });
    for (const where of [cwd, folder]) expect(readdirSync(where).filter((n) => n.startsWith('PWNED')), `created in ${where}`).toEqual([]);
  });
});

/** A PCM WAV from interleaved samples: the formats encodeWav does not write (8-bit, many channels). */
function pcmWav(interleaved: Float32Array, rate: number, channels: number, bits: 8 | 16): Buffer {
  const bytes = bits / 8;
  const data = Buffer.alloc(interleaved.length * bytes);
  interleaved.forEach((s, i) => {
    const v = Math.max(-1, Math.min(1, s));
    if (bits === 8) data.writeUInt8(Math.round(v * 127 + 128), i);
    else data.writeInt16LE(Math.round(v * 32767), i * 2);
  });
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * channels * bytes, 28);
  h.writeUInt16LE(channels * bytes, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
