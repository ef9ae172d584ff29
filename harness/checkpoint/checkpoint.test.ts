import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenBytes, tokenString } from './gpt2-bytes.ts';
import { toHalf } from './half.ts';
import { melFilterbank } from './mel-filters.ts';
import { openSafetensors, readSafetensor, SafetensorsWriter } from './safetensors.ts';
import { specialTokens } from './hf-whisper-writer.ts';

const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-checkpoint-'));

describe('Slaney mel filters', () => {
  // SHA-256 of the float32 arrays mel_80 and mel_128 in openai/whisper's whisper/assets/mel_filters.npz
  // (librosa.filters.mel(sr=16000, n_fft=400, n_mels=n)), the arrays whisper.cpp's converters copy into
  // every ggml file: reference values from outside this project, computed once with numpy from that file
  const OPENAI = {
    80: '4f2701b1d287d74a0dc9871026e9519d98cb76426615f2539b0d151a0ae4ec2e',
    128: '2a5f9822897750e047c85dea37cc268d3be0ecfd23c28a5f10da129d99d05afe',
  };
  it.each([80, 128] as const)('%i bins are bit-equal to the filters openai/whisper ships', (n) => {
    const f = melFilterbank(16000, 400, n);
    expect(f.length).toBe(n * 201);
    expect(createHash('sha256').update(Buffer.from(f.buffer)).digest('hex')).toBe(OPENAI[n]);
  });
});

describe("GPT-2's byte map", () => {
  it('spells every byte as one character and back', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const s = tokenString(all);
    expect(s).toHaveLength(256);
    expect(new Set(s).size).toBe(256);
    expect(tokenBytes(s)).toEqual(all);
  });
  it('spells a space as Ġ and newline as Ċ (as vocab.json does), and refuses a character outside the map', () => {
    expect(tokenString(Buffer.from(' the\n'))).toBe('Ġthe\u010a');
    expect(tokenBytes('Ġhello')).toEqual(Buffer.from(' hello'));
    expect(tokenBytes('日本')).toBeUndefined();
  });
});

describe('safetensors', () => {
  it('streams tensors out and reads them back: F32 as written, F16 rounded to half, BF16 widened', () => {
    const path = join(tmp, 'rt.safetensors');
    const a = Float32Array.from({ length: 12 }, (_, i) => i / 3 - 1.7);
    const b = Float32Array.from({ length: 6 }, (_, i) => i * 1.1e-3);
    const w = SafetensorsWriter.create(path, [
      { name: 'a', dtype: 'F32', shape: [3, 4] },
      { name: 'b', dtype: 'F16', shape: [6] },
    ]);
    expect(() => w.write('b', b)).toThrow(/expected tensor a, got b/);
    w.write('a', a);
    w.write('b', b);
    w.close();
    const f = openSafetensors(path);
    expect((8 + Number(readFileSync(path).readBigUInt64LE(0))) % 8).toBe(0);
    expect(readSafetensor(f, f.tensors.get('a')!)).toEqual(a);
    const half = readSafetensor(f, f.tensors.get('b')!);
    // every value is the float32 the half encodes: toHalf of it gives back the same bits
    expect([...half].map((v) => toHalf(v))).toEqual([...b].map((v) => toHalf(v)));
    expect(half).not.toEqual(b);
    // BF16: the upper 16 bits of a float32, hand-built
    const header = Buffer.from(JSON.stringify({ c: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const data = Buffer.alloc(4);
    data.writeUInt16LE(0x3fc0, 0); // 1.5
    data.writeUInt16LE(0xc100, 2); // -8
    const bf = join(tmp, 'bf16.safetensors');
    writeFileSync(bf, Buffer.concat([len, header, data]));
    const g = openSafetensors(bf);
    expect([...readSafetensor(g, g.tensors.get('c')!)]).toEqual([1.5, -8]);
  });

  it('refuses a close before every tensor is written, leaving no file', () => {
    const path = join(tmp, 'short.safetensors');
    const w = SafetensorsWriter.create(path, [{ name: 'a', dtype: 'F32', shape: [2] }]);
    expect(() => w.close()).toThrow(/1 tensors not written/);
    expect(() => openSafetensors(path)).toThrow(/file not found/);
  });
});

describe("Whisper's special tokens as whisper.cpp numbers them", () => {
  it('large-v3 (51866): 100 languages, transcribe at 50360, no-timestamps at 50364, the last id a timestamp of 30.00 s', () => {
    const s = new Map(specialTokens(51866).map((t) => [t.name, t.id]));
    expect([s.get('<|endoftext|>'), s.get('<|startoftranscript|>'), s.get('<|en|>'), s.get('<|yue|>'), s.get('<|transcribe|>'), s.get('<|notimestamps|>'), s.get('<|30.00|>')]).toEqual([50257, 50258, 50259, 50358, 50360, 50364, 51865]);
  });
});
