import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AudioInputError } from '../errors.ts';
import { loadAudio } from './load-audio.ts';
import { resample } from './resample.ts';
import { encodeWav } from './wav.ts';

const dir = mkdtempSync(join(tmpdir(), 'asr-parity-audio-'));

function sine(hz: number, rate: number, sec: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(rate * sec) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

/** A WAV with any integer or float sample format and channel count, written by hand. */
function wav(samples: Float32Array, rate: number, bits: number, float: boolean, channels = 1): Buffer {
  const bytes = bits / 8;
  const data = Buffer.alloc(samples.length * bytes * channels);
  samples.forEach((v, i) => {
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * bytes;
      if (float && bits === 32) data.writeFloatLE(v, at);
      else if (float) data.writeDoubleLE(v, at);
      else if (bits === 8) data[at] = Math.round(v * 127 + 128);
      else if (bits === 16) data.writeInt16LE(Math.round(v * 32767), at);
      else if (bits === 24) data.writeIntLE(Math.round(v * 8388607), at, 3);
      else data.writeInt32LE(Math.round(v * 2147483647), at);
    }
  });
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(float ? 3 : 1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * bytes * channels, 28);
  h.writeUInt16LE(bytes * channels, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** Amplitude of `hz` in `x` at `rate` by correlation: frequency and level survive decoding and resampling. */
function amplitudeAt(x: Float32Array, rate: number, hz: number): number {
  let re = 0;
  let im = 0;
  const from = Math.floor(x.length / 4);
  const to = Math.floor((3 * x.length) / 4);
  for (let i = from; i < to; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

describe('audio decoding to 16 kHz mono', () => {
  const cases: Array<[string, number, number, boolean, number]> = [
    ['8-bit', 16000, 8, false, 1],
    ['16-bit', 16000, 16, false, 1],
    ['24-bit', 44100, 24, false, 1],
    ['32-bit int', 48000, 32, false, 2],
    ['32-bit float', 22050, 32, true, 1],
    ['64-bit float 6 channels', 96000, 64, true, 6],
  ];
  it.each(cases)('%s WAV at %d Hz', async (_n, rate, bits, float, channels) => {
    const f = join(dir, `t-${bits}-${rate}-${channels}.wav`);
    writeFileSync(f, wav(sine(440, rate, 1), rate, bits, float, channels));
    const a = await loadAudio(f);
    expect(a.samples.length).toBe(16000);
    expect(a.source).toMatchObject({ sampleRate: rate, channels });
    expect(amplitudeAt(a.samples, 16000, 440)).toBeCloseTo(0.5, 1);
  });

  it('multichannel audio is the mean of every channel, not channel 0: channels holding different tones each keep their share', async () => {
    // 3 channels at 16 kHz (no resampling): 440 Hz at 0.6 in the first, 1000 Hz at 0.3 in the second, 2500 Hz at 0.9 in the third
    const parts = [sine(440, 16000, 1, 0.6), sine(1000, 16000, 1, 0.3), sine(2500, 16000, 1, 0.9)];
    const data = Buffer.alloc(16000 * 3 * 2);
    for (let i = 0; i < 16000; i++) parts.forEach((p, c) => data.writeInt16LE(Math.round(p[i]! * 32767), (i * 3 + c) * 2));
    const header = wav(new Float32Array(0), 16000, 16, false, 3);
    header.writeUInt32LE(36 + data.length, 4);
    header.writeUInt32LE(data.length, 40);
    const f = join(dir, 'three-channels.wav');
    writeFileSync(f, Buffer.concat([header, data]));
    const a = await loadAudio(f);
    expect(a.source.channels).toBe(3);
    for (const [hz, amp] of [[440, 0.6], [1000, 0.3], [2500, 0.9]] as const) {
      expect(amplitudeAt(a.samples, 16000, hz), `the ${hz} Hz channel must count for a third of the mono signal`).toBeCloseTo(amp / 3, 2);
    }
  });

  it.each([['0', 0], ['0xFFFFFFFF', 0xffffffff]])('a data chunk whose size is %s (streamed, size unknown) runs to the end of the file', async (name, size) => {
    const bytes = wav(sine(440, 16000, 1), 16000, 16, false);
    bytes.writeUInt32LE(size, 40);
    const f = join(dir, `size-${name}.wav`);
    writeFileSync(f, bytes);
    const a = await loadAudio(f).catch((e: Error) => e.message);
    expect(typeof a === 'string' ? a : a.samples.length, `a data size of ${name} means "until the end of the file" (README, audio formats)`).toBe(16000);
  });

  it('FLAC written by the reference encoder (Debian flac) decodes to the same samples', async () => {
    const w = join(dir, 'f.wav');
    writeFileSync(w, encodeWav(sine(300, 16000, 1), 16000));
    await execa('flac', ['--silent', '--force', '-o', join(dir, 'f.flac'), w]);
    const [a, b] = await Promise.all([loadAudio(w), loadAudio(join(dir, 'f.flac'))]);
    expect(b.source.format).toMatch(/^flac/);
    // libFLAC's float output scales by 1/32767, ours by 1/32768: equal within that ratio.
    expect(b.samples.length).toBe(a.samples.length);
    a.samples.forEach((v, i) => expect(b.samples[i]!).toBeCloseTo(v, 4));
  });

  it.each([
    ['empty', Buffer.alloc(0), /empty file/],
    ['text', Buffer.from('hello, not audio'), /not a recognised audio format/],
    ['truncated', wav(sine(440, 16000, 1), 16000, 16, false).subarray(0, 2000), /truncated/],
    ['no samples', wav(new Float32Array(0), 16000, 16, false), /no audio samples/],
    ['NaN samples', wav(Float32Array.of(0, Number.NaN, 0), 16000, 32, true), /NaN or infinite/],
    ['corrupt FLAC', Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(100, 7)]), /FLAC/],
  ])('%s input gives an AudioInputError naming the file', async (name, bytes, msg) => {
    const f = join(dir, `bad-${name}.wav`);
    writeFileSync(f, bytes);
    const err = await loadAudio(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AudioInputError);
    expect((err as Error).message).toContain(f);
    expect((err as Error).message).toMatch(msg);
  });

  it('a directory or a missing path is refused', async () => {
    await expect(loadAudio(dir)).rejects.toThrow(/is a directory/);
    await expect(loadAudio(join(dir, 'nope.wav'))).rejects.toThrow(/not found/);
  });
});

describe('resampler', () => {
  const rates = fc.constantFrom(8000, 11025, 22050, 24000, 44100, 48000);
  it('keeps the length ratio and the level of an in-band tone', () => {
    fc.assert(
      fc.property(rates, fc.integer({ min: 100, max: 3000 }), fc.double({ min: 0.1, max: 0.9, noNaN: true }), (rate, hz, amp) => {
        const out = resample(sine(hz, rate, 0.5, amp), rate, 16000);
        expect(Math.abs(out.length - 8000)).toBeLessThanOrEqual(1);
        expect(amplitudeAt(out, 16000, hz)).toBeCloseTo(amp, 1);
      }),
      { numRuns: 25 },
    );
  });

  it('removes what would alias when downsampling', () => {
    fc.assert(
      fc.property(fc.constantFrom(44100, 48000), fc.integer({ min: 9000, max: 15000 }), (rate, hz) => {
        const out = resample(sine(hz, rate, 0.5), rate, 16000);
        const alias = 16000 - hz; // where an unfiltered tone would fold to
        expect(amplitudeAt(out, 16000, alias)).toBeLessThan(0.01);
      }),
      { numRuns: 10 },
    );
  });

  it('is linear', () => {
    fc.assert(
      fc.property(fc.float32Array({ minLength: 10, maxLength: 300, noNaN: true, noDefaultInfinity: true, min: -1, max: 1 }), (x) => {
        const a = resample(x, 22050, 16000);
        const b = resample(Float32Array.from(x, (v) => 2 * v), 22050, 16000);
        a.forEach((v, i) => expect(b[i]!).toBeCloseTo(2 * v, 4));
      }),
      { numRuns: 30 },
    );
  });
});
