import type { Audio16k } from '../harness/audio/decoded-audio.ts';

/** What a backend returns for one audio input. */
export interface BackendTranscript {
  text: string;
  /** Text token ids where the engine exposes them. */
  tokens?: number[];
  timings: { totalMs: number; [k: string]: number };
}

export interface DeviceMemory {
  allocatedBytes?: number;
  reservedBytes?: number;
  peakBytes?: number;
  totalBytes?: number;
}

/** A backend with its model in memory. */
export interface LoadedBackend {
  /** How long loading took, in ms. */
  loadMs: number;
  transcribe(audio: Audio16k): Promise<BackendTranscript>;
  /** What produced the results: library, version, model file and hash, flags, threads. */
  describe(): Record<string, string | number | boolean>;
  /** Optional capability: device memory, for accelerators that can report it. */
  memory?(): DeviceMemory;
  /** Optional capability: raw logits of each step with the given tokens forced (teacher forcing). */
  forcedLogits?(audio: Audio16k, tokens: number[]): Promise<Float32Array[]>;
  dispose(): void;
  /** Its transcripts' timings.totalMs were measured where the work happens (a worker): performance uses them, not the caller's clock. */
  timedInside?: boolean;
  /** What this loaded instance can do, where it is only known once loaded (a worker says so at load); else the backend's. */
  capabilities?: readonly Capability[];
}

/** What a caller can rely on beyond transcripts; the conformance suite checks each claimed one. */
export type Capability = 'tokens' | 'forced-logits' | 'device-memory';

/** `details`: what was found while checking (library version, system info, SoC), shown by `asr-parity backends`. */
export type Availability = { ok: true; details?: Record<string, string | number | boolean> } | { ok: false; reason: string };

export interface BackendOptions {
  model?: string;
  library?: string;
  threads?: number;
  language?: string;
  /** Accelerator index (NPU or GPU card). */
  device?: number;
  /** libascendcl.so to probe (CANN backends). */
  aclLibrary?: string;
  /** The program a command backend runs (command backends). */
  command?: CommandSpec;
  /** The long-lived program a worker backend talks to (worker backends). */
  worker?: WorkerSpec;
}

/** A program speaking the worker protocol (backends/worker/protocol.schema.json), started once per load. */
export interface WorkerSpec {
  /** argv, run without a shell, in `cwd` (the config file's folder by default). */
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Passed to load as is: cpu, cuda:N, npu:N... and float32, float16, bfloat16... */
  device?: string;
  dtype?: string;
  /** 'samples' (default): base64 float32 inline; 'path': a 16 kHz mono float32 WAV the harness writes. */
  audio?: 'path' | 'samples';
  /** Anything else load passes to the worker. */
  options?: Record<string, unknown>;
  /** Per call, default 10 minutes; the process is killed after it. */
  callTimeoutMs?: number;
  /** Start-up, hello and load, default 10 minutes. */
  loadTimeoutMs?: number;
}

/** An external transcriber run once per audio file, never through a shell. */
export interface CommandSpec {
  program: string;
  /** Placeholders: {audio} (the file as given), {wav16k} (a 16 kHz mono 16-bit copy), {model}, {device}, {language}, {threads}. */
  args: string[];
  /** stdout as the transcript (`lastLine`: only its last non-empty line), a JSON field (dot path, of the last JSON line), or a regex's first group. */
  output: { format: 'text'; lastLine?: boolean } | { format: 'json'; field: string } | { format: 'regex'; pattern: string };
  /** Per file; the process is killed after it. */
  timeoutMs?: number;
  /** What {device} becomes. */
  device?: string;
  cwd?: string;
  env?: Record<string, string>;
}

/**
 * A backend: one file in backends/, registered in backends/index.ts. `available()` must
 * answer without loading a model and say why not; `load()` may throw an AsrParityError.
 */
export interface Backend {
  name: string;
  description: string;
  device: string;
  precision: string;
  capabilities: readonly Capability[];
  /** The language codes it accepts, where it knows them; anything else is refused before a run. */
  languages?: readonly string[];
  /** Environment variables that override the model and library paths, even over a config file. */
  env?: { model?: string; library?: string };
  available(opts?: BackendOptions): Promise<Availability>;
  load(opts?: BackendOptions): Promise<LoadedBackend>;
  /** Already runs in a process of its own (a worker): isolation does not wrap it in another. */
  outOfProcess?: boolean;
}

/** Identity function: its only job is to type-check a backend definition. */
export function defineBackend<B extends Backend>(backend: B): B {
  return backend;
}
