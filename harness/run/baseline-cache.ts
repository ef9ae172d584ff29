import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendOptions, BackendTranscript, LoadedBackend } from '../../backends/types.ts';
import { describeSchemaError, schemaValidator } from '../io/json-schema.ts';
import { sha256File } from '../io/file-sha256.ts';
import { writeFileAtomic } from '../report/write-atomic.ts';

/**
 * The baseline's results on disk, so an engineer iterating on a device port pays for the CPU
 * fp32 baseline once. An entry is keyed by everything that decides it, and is reused only
 * when every part of that key is equal (the full key is stored and compared, not only its
 * hash); anything unreadable is recomputed with a notice, never trusted.
 */

/** Bump when what an entry holds, or how its key is made, changes: older entries are then simply not found. */
const FORMAT = 1;
const SCHEMA = new URL('./baseline-cache.schema.json', import.meta.url);

/** What decides the baseline's output: its self-description minus where files lie, plus what those files hold. */
export type BaselineIdentity = Record<string, string | number | boolean | null>;

export interface CacheEntry {
  format: number;
  identity: BaselineIdentity;
  audioSha256: string;
  /** The gate run that computed it: when it was made. */
  run: string;
  transcript: BackendTranscript;
  /** Teacher-forced logits of the baseline's own tokens; absent until a device comparison needed them. */
  logits?: { tokens: number[]; steps: number; vocab: number; file: string; sha256: string };
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** SHA-256 of the decoded 16 kHz samples: what the backend heard, whatever file or decoder they came from. */
export function audioSha256(samples: Float32Array): string {
  return sha256(bytesOf(samples));
}

/** Where a path lies does not decide an output; what it holds does. */
const LOCATION_FIELDS = new Set(['library', 'modelPath', 'model', 'isolated', 'aclLibrary']);

/**
 * The key of a loaded baseline: its describe() (engine build and flags, whisper.cpp version,
 * system info, model hash, threads, language, decoding flags) without file locations, the
 * options it was loaded with (model and library replaced by their contents' hashes), and the
 * library file's hash, so a rebuild at the same path is a miss.
 */
export async function baselineIdentity(backend: string, loaded: LoadedBackend, options: BackendOptions): Promise<BaselineIdentity> {
  const d = loaded.describe();
  const id: BaselineIdentity = { cacheFormat: FORMAT, backendName: backend };
  for (const [k, v] of Object.entries(d)) if (!LOCATION_FIELDS.has(k)) id[`describe.${k}`] = v;
  const fileHash = async (p: unknown) => (typeof p === 'string' && existsSync(p) && statSync(p).isFile() ? sha256File(p) : null);
  id.librarySha256 = await fileHash(d.library ?? options.library);
  id.modelFileSha256 = await fileHash(options.model ?? d.modelPath);
  const { model: _m, library: _l, ...rest } = options;
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) id[`option.${k}`] = typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as string | number | boolean | null);
  return id;
}

const canonical = (id: BaselineIdentity) => JSON.stringify(Object.keys(id).sort().map((k) => [k, id[k]]));

export interface CacheProblem {
  file: string;
  problem: string;
}

export class BaselineCacheStore {
  readonly dir: string;
  private readonly folder: string;
  /** Entries that could not be trusted, each recomputed: reported so a broken disk or a bug is seen. */
  readonly problems: CacheProblem[] = [];

  constructor(dir: string, readonly identity: BaselineIdentity, private readonly onProblem: (p: CacheProblem) => void = () => {}) {
    this.dir = dir;
    this.folder = join(dir, sha256(canonical(identity)).slice(0, 24));
  }

  private entryFile(audio: string): string {
    return join(this.folder, `${audio}.json`);
  }

  private distrust(file: string, problem: string): undefined {
    const p = { file, problem };
    this.problems.push(p);
    this.onProblem(p);
    rmSync(file, { force: true });
    return undefined;
  }

  /** The entry for this audio, or undefined (absent, another key, or untrustworthy: removed, with a notice). */
  get(audio: string): CacheEntry | undefined {
    const file = this.entryFile(audio);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return this.distrust(file, `unreadable (${(e as Error).message})`);
    }
    const validate = schemaValidator(SCHEMA);
    if (!validate(raw)) return this.distrust(file, `not a cache entry: ${describeSchemaError(validate.errors)}`);
    const e = raw as CacheEntry;
    if (e.format !== FORMAT || e.audioSha256 !== audio) return this.distrust(file, 'holds another audio or format than its name says');
    // a different key can share a folder only by a hash collision or a hand edit: never reused
    if (canonical(e.identity) !== canonical(this.identity)) return this.distrust(file, 'was made by another baseline (key differs)');
    return e;
  }

  /** The stored logits of this audio's forced tokens, checked against their hash; undefined if absent or untrustworthy. */
  logits(entry: CacheEntry, tokens: readonly number[]): Float32Array[] | undefined {
    const l = entry.logits;
    if (!l || l.tokens.length !== tokens.length || l.tokens.some((t, i) => t !== tokens[i])) return undefined;
    const file = join(this.folder, l.file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      return this.distrust(file, `logits unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (bytes.byteLength !== l.steps * l.vocab * 4 || sha256(bytes) !== l.sha256) return this.distrust(file, 'logits do not match their recorded size and hash');
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return Array.from({ length: l.steps }, (_, i) => all.slice(i * l.vocab, (i + 1) * l.vocab));
  }

  /** Stores a transcript (and optionally logits), atomically; a write that fails is a notice, not the end of the gate. */
  put(audio: string, run: string, transcript: BackendTranscript, logits?: { tokens: number[]; values: Float32Array[] }): CacheEntry {
    const entry: CacheEntry = { format: FORMAT, identity: this.identity, audioSha256: audio, run, transcript: { text: transcript.text, ...(transcript.tokens ? { tokens: transcript.tokens } : {}), timings: transcript.timings } };
    try {
      if (logits) {
        const vocab = logits.values[0]?.length ?? 0;
        const flat = new Float32Array(logits.values.length * vocab);
        logits.values.forEach((v, i) => flat.set(v, i * vocab));
        const bytes = bytesOf(flat);
        const file = `${audio}.${sha256(logits.tokens.join(',')).slice(0, 16)}.f32`;
        writeFileAtomic(join(this.folder, file), bytes);
        entry.logits = { tokens: logits.tokens, steps: logits.values.length, vocab, file, sha256: sha256(bytes) };
      }
      writeFileAtomic(this.entryFile(audio), `${JSON.stringify(entry)}\n`);
    } catch (e) {
      const p = { file: this.entryFile(audio), problem: `not stored: ${(e as Error).message}` };
      this.problems.push(p);
      this.onProblem(p);
    }
    return entry;
  }
}
