import { closeSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { ModelError } from '../errors.ts';
import { fromHalf, toHalf } from './half.ts';

/**
 * whisper.cpp's legacy ggml model file, both ways: magic, 11 int32 hparams, mel filters,
 * vocabulary, then tensors (n_dims, name length, type, dims innermost first, name, data).
 * Written by the fixtures' model builder and by `convert`; walked, bounded at every step, before
 * whisper.cpp sees a file (backends/whisper-cpp/engine/ggml-model-file.ts) and read back by `convert`.
 */

/** "ggml" as a little-endian uint32: the first four bytes of the file. */
export const GGML_MAGIC = 0x67676d6c;

export interface WhisperHparams {
  nVocab: number;
  nAudioCtx: number;
  nAudioState: number;
  nAudioHead: number;
  nAudioLayer: number;
  nTextCtx: number;
  nTextState: number;
  nTextHead: number;
  nTextLayer: number;
  nMels: number;
}

export type Precision = 'f32' | 'f16';

export interface Tensor {
  name: string;
  /** ggml order: innermost dimension first (a PyTorch [out, in] Linear weight is [in, out]). */
  dims: number[];
  data: Float32Array;
}

export interface MelFilters {
  nMel: number;
  nFft: number;
  data: Float32Array;
}

export interface GgmlHeader {
  hparams: WhisperHparams;
  precision: Precision;
  melFilters: MelFilters;
  /** The file's tokens as raw bytes, in id order (whisper.cpp appends the special tokens itself). */
  vocab: Buffer[];
}

/**
 * Which tensors whisper.cpp's converters (convert-pt-to-ggml.py, convert-h5-to-ggml.py) store in
 * f16 in an f16 file: every tensor of two or more dimensions except the conv biases and the
 * positional embeddings. whisper.cpp rejects a file that differs.
 */
export function storedAsHalf(name: string, dims: readonly number[], precision: Precision): boolean {
  if (precision === 'f32') return false;
  if (dims.length < 2) return false;
  return !(name.endsWith('conv1.bias') || name.endsWith('conv2.bias') || name.endsWith('positional_embedding'));
}

const int32s = (...values: number[]): Buffer => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeInt32LE(v, 4 * i));
  return b;
};
const f32Bytes = (data: Float32Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);
function f16Bytes(data: Float32Array): Buffer {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = toHalf(data[i]!);
  return Buffer.from(out.buffer);
}

/** Everything before the first tensor. */
export function ggmlHeaderBytes(h: GgmlHeader): Buffer[] {
  const p = h.hparams;
  const parts = [int32s(GGML_MAGIC), int32s(p.nVocab, p.nAudioCtx, p.nAudioState, p.nAudioHead, p.nAudioLayer, p.nTextCtx, p.nTextState, p.nTextHead, p.nTextLayer, p.nMels, h.precision === 'f16' ? 1 : 0)];
  parts.push(int32s(h.melFilters.nMel, h.melFilters.nFft), f32Bytes(h.melFilters.data), int32s(h.vocab.length));
  for (const token of h.vocab) parts.push(int32s(token.length), token);
  return parts;
}

/** One tensor's record: its header, then its data in f32 or f16 as storedAsHalf says. */
export function ggmlTensorBytes(t: Tensor, precision: Precision): Buffer[] {
  const expected = t.dims.reduce((a, b) => a * b, 1);
  if (expected !== t.data.length) throw new Error(`tensor ${t.name}: dims ${t.dims} need ${expected} values, got ${t.data.length}`);
  const half = storedAsHalf(t.name, t.dims, precision);
  const name = Buffer.from(t.name, 'utf8');
  return [int32s(t.dims.length, name.length, half ? 1 : 0), int32s(...t.dims), name, half ? f16Bytes(t.data) : f32Bytes(t.data)];
}

/** A tensor record's size in the file from its name and dims alone, no values made (ggmlTensorBytes' lengths). */
export function ggmlTensorSize(name: string, dims: readonly number[], precision: Precision): number {
  const elements = dims.reduce((a, b) => a * b, 1);
  return 4 * (3 + dims.length) + Buffer.byteLength(name, 'utf8') + elements * (storedAsHalf(name, dims, precision) ? 2 : 4);
}

/** A file's size before it is written: a progress total, and arithmetic a test can check without writing gigabytes. */
export function ggmlFileSize(h: GgmlHeader, tensors: ReadonlyArray<{ name: string; dims: readonly number[] }>): number {
  return ggmlHeaderBytes(h).reduce((a, b) => a + b.length, 0) + tensors.reduce((a, t) => a + ggmlTensorSize(t.name, t.dims, h.precision), 0);
}

/** A whole model in memory (the small test models). */
export function encodeGgmlModel(h: GgmlHeader & { tensors: Tensor[] }): Buffer {
  return Buffer.concat([...ggmlHeaderBytes(h), ...h.tensors.flatMap((t) => ggmlTensorBytes(t, h.precision))]);
}

/**
 * Streams a ggml file: the header, then each tensor as the iterable yields it (one tensor in
 * memory at a time), into a temporary file moved into place when complete.
 */
export function writeGgmlFile(path: string, h: GgmlHeader, tensors: Iterable<Tensor>): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    for (const b of ggmlHeaderBytes(h)) writeSync(fd, b);
    for (const t of tensors) for (const b of ggmlTensorBytes(t, h.precision)) writeSync(fd, b);
    closeSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, path);
}

/** A tensor's place in a ggml file. */
export interface GgmlTensorEntry {
  name: string;
  dims: number[];
  /** 0 f32, 1 f16, others quantized. */
  type: number;
  elements: number;
  /** Byte offset of the data in the file, and its length. */
  offset: number;
  bytes: number;
}

export interface GgmlFileIndex {
  path: string;
  size: number;
  hparams: WhisperHparams;
  /** The raw ftype field (0 f32, 1 f16, others quantized; a quantization version may be added in thousands). */
  ftype: number;
  melFilters: { nMel: number; nFft: number; offset: number };
  nTokens: number;
  /** The tokens' bytes, when asked for (`convert`); the load path only checks them. */
  vocab?: Buffer[];
  hasSpaceToken: boolean;
  tensors: GgmlTensorEntry[];
}

const TYPE_SIZE: Record<number, [blockBytes: number, blockElems: number]> = {
  0: [4, 1], // f32
  1: [2, 1], // f16
  2: [18, 32], // q4_0
  3: [20, 32], // q4_1
  6: [22, 32], // q5_0
  7: [24, 32], // q5_1
  8: [34, 32], // q8_0
};

/**
 * Walks a ggml file's structure. whisper.cpp does not check its reads: a truncated or corrupt file
 * can make it allocate absurd sizes or read past the end. Here every length is bounded and the
 * walk must end exactly at the end of the file; each failure is a ModelError naming the file.
 */
export function walkGgmlFile(path: string, opts: { vocab?: boolean } = {}): GgmlFileIndex {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ModelError(path, 'model file not found', 'give --model a ggml whisper model (e.g. ggml-distil-large-v3.bin) or a Hugging Face Whisper folder');
  }
  if (!st.isFile()) throw new ModelError(path, 'is not a file', 'give --model a ggml whisper model file or a Hugging Face Whisper folder');
  const size = st.size;
  const fd = openSync(path, 'r');
  let pos = 0;
  const fail = (problem: string): never => {
    throw new ModelError(path, problem, 'the file is corrupt, truncated or not a whisper.cpp ggml model');
  };
  // The walk reads the vocabulary a few bytes at a time (51,866 tokens in a large-v3 model):
  // served from a 1 MiB window, not one system call per field, which cost a quarter of a load.
  const window = Buffer.alloc(1 << 20);
  let windowStart = 0;
  let windowEnd = 0;
  const read = (n: number): Buffer => {
    if (pos + n > size) fail(`truncated: needs ${pos + n} bytes, file has ${size}`);
    if (n > window.length) {
      const b = Buffer.alloc(n);
      readSync(fd, b, 0, n, pos);
      pos += n;
      return b;
    }
    if (pos < windowStart || pos + n > windowEnd) {
      windowStart = pos;
      windowEnd = pos + readSync(fd, window, 0, Math.min(window.length, size - pos), pos);
      if (pos + n > windowEnd) fail(`truncated: needs ${pos + n} bytes, could read ${windowEnd}`);
    }
    const b = window.subarray(pos - windowStart, pos - windowStart + n);
    pos += n;
    return b;
  };
  const i32 = () => read(4).readInt32LE(0);
  try {
    if (size < 4 || read(4).readUInt32LE(0) !== GGML_MAGIC) fail('bad magic: not a ggml whisper model');
    const h = Array.from({ length: 11 }, i32) as [number, number, number, number, number, number, number, number, number, number, number];
    const [nVocab, nAudioCtx, nAudioState, nAudioHead, nAudioLayer, nTextCtx, nTextState, nTextHead, nTextLayer, nMels, ftype] = h;
    const dims = [nVocab, nAudioCtx, nAudioState, nAudioHead, nAudioLayer, nTextCtx, nTextState, nTextHead, nTextLayer, nMels];
    if (dims.some((v) => v <= 0 || v > 1 << 20)) fail(`implausible hyperparameters ${dims.join(',')}`);
    if (nAudioState !== nTextState) fail(`encoder width ${nAudioState} differs from decoder width ${nTextState}`);
    if (nAudioState % nAudioHead !== 0 || nTextState % nTextHead !== 0) fail('width is not a multiple of the head count');
    const nMel = i32();
    const nFft = i32();
    if (nMel <= 0 || nFft <= 0 || nMel * nFft > 1 << 20) fail(`implausible mel filter shape ${nMel}x${nFft}`);
    const melOffset = pos;
    pos += 4 * nMel * nFft;
    const nTokens = i32();
    if (nTokens < 0 || nTokens > nVocab) fail(`vocabulary of ${nTokens} tokens for n_vocab ${nVocab}`);
    const vocab: Buffer[] | undefined = opts.vocab ? [] : undefined;
    let hasSpaceToken = false;
    for (let i = 0; i < nTokens; i++) {
      const len = read(4).readUInt32LE(0);
      if (len > 1024) fail(`token ${i} is ${len} bytes long`);
      if (vocab) {
        const token = Buffer.from(read(len));
        if (len === 1 && token[0] === 0x20) hasSpaceToken = true;
        vocab.push(token);
      } else if (len === 1) {
        if (read(1)[0] === 0x20) hasSpaceToken = true;
      } else pos += len;
    }
    const tensors: GgmlTensorEntry[] = [];
    while (pos < size) {
      const nDims = i32();
      const nameLen = i32();
      const type = i32();
      const at = tensors.length;
      if (nDims < 1 || nDims > 4) fail(`tensor ${at}: ${nDims} dimensions`);
      if (nameLen <= 0 || nameLen > 256) fail(`tensor ${at}: name of ${nameLen} bytes`);
      const tsize = TYPE_SIZE[type];
      if (!tsize) fail(`tensor ${at}: unknown type ${type}`);
      const tdims: number[] = [];
      for (let i = 0; i < nDims; i++) {
        const ne = i32();
        if (ne <= 0) fail(`tensor ${at}: dimension ${ne}`);
        tdims.push(ne);
      }
      const elements = tdims.reduce((a, b) => a * b, 1);
      const name = read(nameLen).toString('utf8');
      const [bb, be] = tsize!;
      const bytes = Math.ceil(elements / be) * bb;
      tensors.push({ name, dims: tdims, type, elements, offset: pos, bytes });
      pos += bytes;
      if (pos > size) fail(`truncated in tensor ${at}: needs ${pos} bytes, file has ${size}`);
    }
    if (tensors.length === 0) fail('no tensors');
    const hparams = { nVocab, nAudioCtx, nAudioState, nAudioHead, nAudioLayer, nTextCtx, nTextState, nTextHead, nTextLayer, nMels };
    return { path, size, hparams, ftype, melFilters: { nMel, nFft, offset: melOffset }, nTokens, vocab, hasSpaceToken, tensors };
  } finally {
    closeSync(fd);
  }
}

function readBytes(path: string, offset: number, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  const fd = openSync(path, 'r');
  try {
    let got = 0;
    while (got < bytes) {
      const n = readSync(fd, b, got, bytes - got, offset + got);
      if (n === 0) throw new ModelError(path, `truncated: needs ${offset + bytes} bytes`, 'the file is corrupt or truncated');
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  return b;
}

/** A tensor of an f32 or f16 file as float32 values (f16 widened exactly). */
export function readGgmlTensor(index: GgmlFileIndex, t: GgmlTensorEntry): Float32Array {
  if (t.type !== 0 && t.type !== 1) throw new ModelError(index.path, `tensor ${t.name} is quantized (type ${t.type})`, 'convert reads f32 and f16 ggml files only');
  const raw = readBytes(index.path, t.offset, t.bytes);
  if (t.type === 0) return new Float32Array(raw.buffer, raw.byteOffset, t.elements);
  const out = new Float32Array(t.elements);
  for (let i = 0; i < t.elements; i++) out[i] = fromHalf(raw.readUInt16LE(2 * i));
  return out;
}

export function readGgmlMelFilters(index: GgmlFileIndex): MelFilters {
  const { nMel, nFft, offset } = index.melFilters;
  const raw = readBytes(index.path, offset, 4 * nMel * nFft);
  return { nMel, nFft, data: new Float32Array(raw.buffer, raw.byteOffset, nMel * nFft) };
}
