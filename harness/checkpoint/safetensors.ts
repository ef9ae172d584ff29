import { closeSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { ModelError } from '../errors.ts';
import { fromBfloat16, fromHalf, toHalf } from './half.ts';

/**
 * safetensors (huggingface/safetensors, docs "Format"): an 8-byte little-endian header length N,
 * N bytes of JSON ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}),
 * then the data area, offsets relative to its start. Nothing is unpickled, nothing executes.
 * Read: the header is checked against the file's size before it is read, and every tensor's
 * offsets against the data area and its dtype and shape, before any data is. Write: streamed,
 * the header from the list of shapes first, then each tensor's data in turn, so a 3 GB model
 * never sits in memory.
 */

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';
const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };
/** The header's own limit in the reference implementation (100 MB): larger is corruption, not a model. */
const MAX_HEADER = 100_000_000;
/** The first line of a git-lfs pointer file (git-lfs's spec), as far as it is the same in every pointer. */
const LFS_POINTER = 'version https://git-lfs';

export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsFile {
  path: string;
  size: number;
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

const elementsOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Opens a safetensors file: header length, header JSON and every entry checked; no tensor data read. */
export function openSafetensors(path: string): SafetensorsFile {
  const fail = (problem: string): never => {
    throw new ModelError(path, problem, 'the safetensors file is truncated or corrupt: download or convert it again');
  };
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new ModelError(path, 'file not found', 'the checkpoint is incomplete: fetch the missing file (git lfs pull in a cloned model repository)');
  }
  const fd = openSync(path, 'r');
  try {
    // a git-lfs pointer (a clone without `git lfs pull`) starts where the header length would be:
    // named here, before its first 8 bytes are read as an absurd length
    const head = Buffer.alloc(Math.min(size, LFS_POINTER.length));
    readSync(fd, head, 0, head.length, 0);
    if (head.toString('latin1') === LFS_POINTER) fail('is a git-lfs pointer, not the weights (run git lfs pull)');
    if (size < 8) fail(`${size} bytes: too short for a safetensors header`);
    const n = head.readBigUInt64LE(0);
    if (n > BigInt(size - 8)) fail(`header length ${n} runs past the end of the file (${size} bytes)`);
    if (n > BigInt(MAX_HEADER)) fail(`header length ${n} exceeds safetensors' limit of ${MAX_HEADER}`);
    const headerLen = Number(n);
    const raw = Buffer.alloc(headerLen);
    readSync(fd, raw, 0, headerLen, 8);
    let header: unknown;
    try {
      header = JSON.parse(raw.toString('utf8'));
    } catch (e) {
      fail(`header is not JSON (${(e as Error).message})`);
    }
    if (!header || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
    const dataStart = 8 + headerLen;
    const dataSize = size - dataStart;
    const tensors = new Map<string, SafetensorsEntry>();
    let metadata: Record<string, string> = {};
    for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') {
        metadata = (v ?? {}) as Record<string, string>;
        continue;
      }
      const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (typeof e?.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) fail(`tensor ${name}: dtype ${String(e?.dtype)} (asr-parity reads F32, F16 and BF16)`);
      const dtype = e.dtype as SafetensorsDtype;
      if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor ${name}: shape ${JSON.stringify(e.shape)} is not a list of sizes`);
      const off = e.data_offsets;
      if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) fail(`tensor ${name}: data_offsets ${JSON.stringify(off)} are not a byte range`);
      const [b, en] = off as [number, number];
      if (en > dataSize) fail(`tensor ${name}: data_offsets [${b}, ${en}] run past the end of the data (${dataSize} bytes)`);
      const shape = e.shape as number[];
      const want = elementsOf(shape) * DTYPE_BYTES[dtype];
      if (en - b !== want) fail(`tensor ${name}: ${en - b} bytes for ${dtype} ${JSON.stringify(shape)}, which needs ${want}`);
      tensors.set(name, { name, dtype, shape, begin: dataStart + b, end: dataStart + en });
    }
    return { path, size, tensors, metadata };
  } finally {
    closeSync(fd);
  }
}

/** One tensor's values as float32 (F16 and BF16 widened exactly). */
export function readSafetensor(file: SafetensorsFile, e: SafetensorsEntry): Float32Array {
  const bytes = e.end - e.begin;
  const raw = Buffer.alloc(bytes);
  const fd = openSync(file.path, 'r');
  try {
    let got = 0;
    while (got < bytes) {
      const n = readSync(fd, raw, got, bytes - got, e.begin + got);
      if (n === 0) throw new ModelError(file.path, `tensor ${e.name}: file ends at ${e.begin + got}, before its data does`, 'the safetensors file is truncated: download or convert it again');
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  const count = elementsOf(e.shape);
  if (e.dtype === 'F32') return new Float32Array(raw.buffer, raw.byteOffset, count);
  const widen = e.dtype === 'F16' ? fromHalf : fromBfloat16;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = widen(raw.readUInt16LE(2 * i));
  return out;
}

export interface SafetensorsTensorSpec {
  name: string;
  dtype: 'F32' | 'F16';
  shape: number[];
}

/**
 * Streams a safetensors file: `create` writes the header computed from the specs (in their
 * order), `write` appends each tensor's data in that same order, `close` checks every tensor was
 * written and moves the file into place (a crash leaves no half-written model under the name).
 */
export class SafetensorsWriter {
  private next = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly tmp: string,
    private readonly fd: number,
    private readonly specs: readonly SafetensorsTensorSpec[],
  ) {}

  static create(path: string, specs: readonly SafetensorsTensorSpec[], metadata: Record<string, string> = {}): SafetensorsWriter {
    const header: Record<string, unknown> = { __metadata__: metadata };
    let offset = 0;
    const seen = new Set<string>();
    for (const s of specs) {
      if (seen.has(s.name)) throw new Error(`safetensors writer: tensor ${s.name} listed twice`);
      seen.add(s.name);
      const bytes = elementsOf(s.shape) * DTYPE_BYTES[s.dtype];
      header[s.name] = { dtype: s.dtype, shape: s.shape, data_offsets: [offset, offset + bytes] };
      offset += bytes;
    }
    let json = JSON.stringify(header);
    // padded with spaces to a multiple of 8, as the reference writer does, so the data is aligned
    json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
    const body = Buffer.from(json, 'utf8');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(body.length));
    const tmp = `${path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    writeSync(fd, len);
    writeSync(fd, body);
    return new SafetensorsWriter(path, tmp, fd, specs);
  }

  /** The next tensor's values: float32 values (rounded to half for an F16 spec), or its raw little-endian bytes. */
  write(name: string, data: Float32Array | Buffer): void {
    const s = this.specs[this.next];
    if (!s || s.name !== name) throw new Error(`safetensors writer: expected tensor ${s?.name ?? '(none left)'}, got ${name}`);
    let bytes: Buffer;
    if (Buffer.isBuffer(data)) bytes = data;
    else if (s.dtype === 'F32') bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    else {
      const half = new Uint16Array(data.length);
      for (let i = 0; i < data.length; i++) half[i] = toHalf(data[i]!);
      bytes = Buffer.from(half.buffer);
    }
    const want = elementsOf(s.shape) * DTYPE_BYTES[s.dtype];
    if (bytes.length !== want) throw new Error(`safetensors writer: tensor ${name} has ${bytes.length} bytes, its shape ${JSON.stringify(s.shape)} needs ${want}`);
    writeSync(this.fd, bytes);
    this.next++;
  }

  close(): void {
    if (this.closed) return;
    if (this.next !== this.specs.length) {
      this.abort();
      throw new Error(`safetensors writer: ${this.specs.length - this.next} tensors not written (next: ${this.specs[this.next]!.name})`);
    }
    closeSync(this.fd);
    this.closed = true;
    renameSync(this.tmp, this.path);
  }

  /** Drops the partial file. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.tmp, { force: true });
  }
}
