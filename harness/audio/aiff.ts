import { AudioInputError } from '../errors.ts';
import type { DecodedAudio } from './decoded-audio.ts';
import { iffChunks } from './iff-chunks.ts';

/** IEEE 754 80-bit extended (big-endian), the form AIFF stores its sample rate in. */
function extended80(b: Buffer, at: number): number {
  const exp = ((b[at]! & 0x7f) << 8) | b[at + 1]!;
  const mant = Number(b.readBigUInt64BE(at + 2));
  if (exp === 0 && mant === 0) return 0;
  const v = mant * 2 ** (exp - 16383 - 63);
  return b[at]! & 0x80 ? -v : v;
}

/** AIFF-C compression types read here; any other (ima4, MAC3, ...) is ffmpeg's job. */
const ENCODINGS: Record<string, { endian: 'BE' | 'LE'; float: boolean; label: string }> = {
  NONE: { endian: 'BE', float: false, label: 'pcm' },
  twos: { endian: 'BE', float: false, label: 'pcm' },
  sowt: { endian: 'LE', float: false, label: 'pcm' },
  fl32: { endian: 'BE', float: true, label: 'float' },
  FL32: { endian: 'BE', float: true, label: 'float' },
  fl64: { endian: 'BE', float: true, label: 'float' },
  FL64: { endian: 'BE', float: true, label: 'float' },
};

/**
 * AIFF and AIFF-C with uncompressed integer (big- or little-endian) or float samples. Returns
 * undefined for an AIFF-C compression it does not read, so the caller can hand the file to
 * ffmpeg; a damaged file is an AudioInputError.
 */
export function decodeAiff(buf: Buffer, name: string): DecodedAudio | undefined {
  const fail = (problem: string): never => {
    throw new AudioInputError(name, `AIFF: ${problem}`, 'the file is damaged or truncated');
  };
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'FORM') fail('no FORM header');
  const kind = buf.toString('latin1', 8, 12);
  if (kind !== 'AIFF' && kind !== 'AIFC') fail(`FORM type "${kind}" is not AIFF or AIFC`);
  let comm: { channels: number; frames: number; bits: number; rate: number; compression: string } | undefined;
  let ssnd: Buffer | undefined;
  for (const { id, size, body } of iffChunks(buf, 12, 'BE')) {
    if (id === 'COMM') {
      if (size < 18 || body + 18 > buf.length) fail('truncated COMM chunk');
      const compression = kind === 'AIFC' && size >= 22 && body + 22 <= buf.length ? buf.toString('latin1', body + 18, body + 22) : 'NONE';
      comm = { channels: buf.readUInt16BE(body), frames: buf.readUInt32BE(body + 2), bits: buf.readUInt16BE(body + 6), rate: extended80(buf, body + 8), compression };
    } else if (id === 'SSND') {
      if (body + 8 > buf.length) fail('truncated SSND chunk');
      const offset = buf.readUInt32BE(body);
      // a streaming writer may leave the size unknown: the samples then run to the end
      const end = size === 0 || size === 0xffffffff ? buf.length : Math.min(body + size, buf.length);
      ssnd = buf.subarray(body + 8 + offset, end);
    }
  }
  if (!comm) return fail('no COMM chunk');
  if (!ssnd) return fail('no SSND chunk');
  const enc = ENCODINGS[comm.compression];
  if (!enc) return undefined;
  const { channels, bits, rate } = comm;
  if (channels < 1) fail('zero channels');
  if (!(rate >= 1000 && rate <= 768000)) fail(`implausible sample rate ${rate} Hz`);
  const floatBits = comm.compression.toLowerCase() === 'fl64' ? 64 : comm.compression.toLowerCase() === 'fl32' ? 32 : 0;
  const width = enc.float ? floatBits : bits;
  if (!enc.float && ![8, 16, 24, 32].includes(bits)) fail(`unsupported sample size ${bits} bits`);
  const bytes = width / 8;
  // the COMM frame count is the truth; a short SSND is truncation
  const available = Math.floor(ssnd.length / (bytes * channels));
  if (available < comm.frames) fail(`truncated: COMM says ${comm.frames} frames but the SSND chunk holds ${available}`);
  const frames = comm.frames;
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  const be = enc.endian === 'BE';
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * bytes;
      let v: number;
      if (enc.float) v = width === 32 ? (be ? ssnd.readFloatBE(at) : ssnd.readFloatLE(at)) : be ? ssnd.readDoubleBE(at) : ssnd.readDoubleLE(at);
      else if (bytes === 1) v = ssnd.readInt8(at) / 128; // AIFF 8-bit is signed, unlike WAV's
      else v = (be ? ssnd.readIntBE(at, bytes) : ssnd.readIntLE(at, bytes)) / 2 ** (width - 1);
      out[c]![i] = v;
    }
  }
  return { channels: out, sampleRate: rate, format: `${kind.toLowerCase()}/${enc.label}${width}${enc.endian === 'LE' ? 'le' : ''}` };
}
