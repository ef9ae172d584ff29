import { endianness } from 'node:os';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { schemaDefValidators } from '../../harness/io/json-schema.ts';
import { OPS, PROTOCOL_SCHEMA, type ForcedLogitsValue, type Op } from './protocol-schema.ts';

/**
 * asr-parity's worker protocol: JSON Lines on a long-lived process's stdin/stdout, declared in
 * protocol-schema.ts beside this file (its types too). Every line a worker writes is checked
 * against the schema here, once, as it arrives: anything else is a protocol failure of that worker.
 */
export { OPS, PROTOCOL_VERSION, type DetectLanguageValue, type ForcedLogitsValue, type HelloValue, type LoadValue, type MemoryValue, type Message, type Op, type Request, type TensorsValue, type TranscribeBatchValue, type TranscribeValue, type WireAudio, type WireError } from './protocol-schema.ts';

// compiled once, then kept as ajv's standalone code (harness/io/json-schema.ts): compiling the
// protocol schema at every import was most of an isolated backend process's start
const defs = schemaDefValidators('protocol', PROTOCOL_SCHEMA, ['message', 'request', ...OPS] as const);

/** One validator per message kind and per op's value. */
export const validate = {
  message: defs.message,
  request: defs.request,
  value: Object.fromEntries(OPS.map((op) => [op, defs[op]])) as Record<Op, ValidateFunction>,
};

/** ajv's first error as a short phrase: "/value/text must be string". */
export function schemaProblem(v: ValidateFunction): string {
  const e = v.errors?.[0];
  return e ? `${e.instancePath || '(top level)'} ${e.message ?? 'is invalid'}` : 'does not match the schema';
}

export function encodeFloat32(a: Float32Array): string {
  if (endianness() === 'LE') return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const b = Buffer.alloc(a.length * 4);
  a.forEach((x, i) => b.writeFloatLE(x, 4 * i));
  return b.toString('base64');
}

/** Little-endian float32 from base64 (copied: a Buffer's offset need not be 4-aligned). */
export function decodeFloat32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  if (buf.length % 4) throw new RangeError(`${buf.length} bytes is not a whole number of float32 values`);
  const bytes = new Uint8Array(buf.length);
  bytes.set(buf);
  if (endianness() === 'LE') return new Float32Array(bytes.buffer);
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: buf.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

/** The rows of a forced-logits value, checked against its stated shape. */
export function logitRows(v: ForcedLogitsValue): Float32Array[] {
  const all = decodeFloat32(v.base64);
  if (all.length !== v.steps * v.vocab) throw new RangeError(`forced logits: ${all.length} values, but ${v.steps} steps x ${v.vocab} vocabulary = ${v.steps * v.vocab}`);
  return Array.from({ length: v.steps }, (_, i) => all.subarray(i * v.vocab, (i + 1) * v.vocab));
}
