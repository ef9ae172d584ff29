import { AudioInputError } from '../errors.ts';
import type { DecodedAudio } from './decoded-audio.ts';
import { iffChunks } from './iff-chunks.ts';

const PCM = 1;
const FLOAT = 3;
const ALAW = 6;
const MULAW = 7;
const EXTENSIBLE = 0xfffe;
/** A 32-bit size that streaming writers leave when they cannot seek back: "until the end of the file". */
const UNKNOWN_SIZES = new Set([0xffffffff, 0]);

/** G.711 mu-law byte to a linear sample in [-1, 1] (ITU-T G.711, as sox and ffmpeg decode it). */
function mulaw(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return ((u & 0x80 ? 0x84 - t : t - 0x84) / 32768);
}

/** G.711 A-law byte to a linear sample in [-1, 1]. */
function alaw(byte: number): number {
  const a = byte ^ 0x55;
  const seg = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t = seg === 0 ? t + 8 : seg === 1 ? t + 0x108 : (t + 0x108) << (seg - 1);
  return (a & 0x80 ? t : -t) / 32768;
}

/**
 * Decodes RIFF/WAVE, RF64 and BW64: integer PCM of 8/16/24/32 bits, float of 32/64 bits,
 * G.711 mu-law and A-law, with or without WAVE_FORMAT_EXTENSIBLE, any channel count. A data
 * size of 0xFFFFFFFF or 0 (what `ffmpeg -f wav pipe:` leaves) means the data runs to the end
 * of the file; RF64/BW64 carry their 64-bit sizes in a ds64 chunk.
 */
export function decodeWav(buf: Buffer, name: string): DecodedAudio {
  const fail = (problem: string): never => {
    throw new AudioInputError(name, problem, 'expected a RIFF/WAVE (or RF64/BW64) file with PCM, float, mu-law or A-law samples');
  };
  const riff = buf.length >= 12 ? buf.toString('latin1', 0, 4) : '';
  if (!['RIFF', 'RF64', 'BW64'].includes(riff) || buf.toString('latin1', 8, 12) !== 'WAVE') fail('not a WAV file (no RIFF/WAVE header)');
  const container = riff === 'RIFF' ? 'wav' : riff.toLowerCase();
  let ds64Data: number | undefined;
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  let data: Buffer | undefined;
  for (const { id, size, body } of iffChunks(buf, 12, 'LE')) {
    if (id === 'ds64') {
      if (size < 24 || body + 24 > buf.length) fail('truncated ds64 chunk');
      // RIFF size (8 bytes), data size (8 bytes), sample count (8 bytes): only the data size matters here
      ds64Data = Number(buf.readBigUInt64LE(body + 8));
    } else if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) fail('truncated fmt chunk');
      let format = buf.readUInt16LE(body);
      // the sub-format GUID starts with the plain format tag
      if (format === EXTENSIBLE) {
        if (size < 40 || body + 26 > buf.length) fail('WAVE_FORMAT_EXTENSIBLE fmt chunk too short for its sub-format');
        format = buf.readUInt16LE(body + 24);
      }
      fmt = { format, channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      const remain = buf.length - body;
      const dataSize = container !== 'wav' && size === 0xffffffff && ds64Data !== undefined ? ds64Data : UNKNOWN_SIZES.has(size) ? remain : size;
      if (dataSize > remain) fail(`truncated: the data chunk claims ${dataSize} bytes but ${remain} remain`);
      data = buf.subarray(body, body + dataSize);
      break;
    }
    if (size === 0xffffffff) fail(`chunk "${id}" has an unknown size (0xFFFFFFFF) before the data chunk`);
  }
  if (!fmt) return fail('no fmt chunk');
  if (!data) return fail('no data chunk');
  const { format, channels, rate, bits } = fmt;
  if (channels < 1) fail('zero channels');
  if (rate < 1000 || rate > 768000) fail(`implausible sample rate ${rate} Hz`);
  const bytes = bits / 8;
  const ok = (format === PCM && [8, 16, 24, 32].includes(bits)) || (format === FLOAT && [32, 64].includes(bits)) || ((format === MULAW || format === ALAW) && bits === 8);
  if (!ok) fail(`unsupported sample format (format tag ${format}, ${bits} bits)`);
  const frames = Math.floor(data.length / (bytes * channels));
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * bytes;
      let v: number;
      if (format === FLOAT) v = bits === 32 ? data.readFloatLE(at) : data.readDoubleLE(at);
      else if (format === MULAW) v = mulaw(data[at]!);
      else if (format === ALAW) v = alaw(data[at]!);
      else if (bits === 8) v = (data[at]! - 128) / 128;
      else if (bits === 16) v = data.readInt16LE(at) / 32768;
      else if (bits === 24) v = data.readIntLE(at, 3) / 8388608;
      else v = data.readInt32LE(at) / 2147483648;
      out[c]![i] = v;
    }
  }
  const kind = format === FLOAT ? `float${bits}` : format === MULAW ? 'mulaw' : format === ALAW ? 'alaw' : `pcm${bits}`;
  return { channels: out, sampleRate: rate, format: `${container}/${kind}` };
}
/** 16-bit PCM or 32-bit float mono WAV, for fixtures and saved fuzz cases. */
export function encodeWav(samples: Float32Array, sampleRate: number, encoding: 'pcm16' | 'float32' = 'pcm16'): Buffer {
  const bytes = encoding === 'pcm16' ? 2 : 4;
  const dataSize = samples.length * bytes;
  const b = Buffer.alloc(44 + dataSize);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + dataSize, 4);
  b.write('WAVE', 8, 'latin1');
  b.write('fmt ', 12, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(encoding === 'pcm16' ? PCM : FLOAT, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * bytes, 28);
  b.writeUInt16LE(bytes, 32);
  b.writeUInt16LE(bytes * 8, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(dataSize, 40);
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (encoding === 'pcm16') b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), 44 + 2 * i);
    else b.writeFloatLE(v, 44 + 4 * i);
  }
  return b;
}
