import { AudioInputError } from '../errors.ts';
import type { DecodedAudio } from './decoded-audio.ts';

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** Decodes RIFF/WAVE: integer PCM of 8/16/24/32 bits and float of 32/64 bits, any channel count. */
export function decodeWav(buf: Buffer, name: string): DecodedAudio {
  const fail = (problem: string): never => {
    throw new AudioInputError(name, problem, 'expected a RIFF/WAVE file with PCM or float samples');
  };
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') fail('not a WAV file (no RIFF/WAVE header)');
  let pos = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  let data: Buffer | undefined;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('latin1', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) fail('truncated fmt chunk');
      let format = buf.readUInt16LE(body);
      if (format === EXTENSIBLE && size >= 40 && body + 26 <= buf.length) format = buf.readUInt16LE(body + 24);
      fmt = { format, channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (body + size > buf.length) fail(`truncated: the data chunk claims ${size} bytes but ${buf.length - body} remain`);
      data = buf.subarray(body, body + size);
      break;
    }
    pos = body + size + (size & 1);
  }
  if (!fmt) return fail('no fmt chunk');
  if (!data) return fail('no data chunk');
  const { format, channels, rate, bits } = fmt;
  if (channels < 1) fail('zero channels');
  if (rate < 1000 || rate > 768000) fail(`implausible sample rate ${rate} Hz`);
  const bytes = bits / 8;
  const ok = (format === PCM && [8, 16, 24, 32].includes(bits)) || (format === FLOAT && [32, 64].includes(bits));
  if (!ok) fail(`unsupported sample format (format tag ${format}, ${bits} bits)`);
  const frames = Math.floor(data.length / (bytes * channels));
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * bytes;
      let v: number;
      if (format === FLOAT) v = bits === 32 ? data.readFloatLE(at) : data.readDoubleLE(at);
      else if (bits === 8) v = (data[at]! - 128) / 128;
      else if (bits === 16) v = data.readInt16LE(at) / 32768;
      else if (bits === 24) v = data.readIntLE(at, 3) / 8388608;
      else v = data.readInt32LE(at) / 2147483648;
      out[c]![i] = v;
    }
  }
  return { channels: out, sampleRate: rate, format: `wav/${format === FLOAT ? 'float' : 'pcm'}${bits}` };
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
