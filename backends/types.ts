import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Audio16k } from '../harness/audio/decoded-audio.ts';
import type { ResidentMemory } from '../harness/io/proc-figures.ts';

/** What a backend returns for one audio input. */
export interface BackendTranscript {
  text: string;
  /** Text token ids where the engine exposes them. */
  tokens?: number[];
  timings: { totalMs: number; [k: string]: number };
}

/** Device memory in bytes, each figure where the device says (peakReserved: torch's max_memory_reserved); a worker's memory answer is this. */
export const DEVICE_MEMORY = Type.Object(
  {
    allocatedBytes: Type.Optional(Type.Number({ minimum: 0 })),
    reservedBytes: Type.Optional(Type.Number({ minimum: 0 })),
    peakBytes: Type.Optional(Type.Number({ minimum: 0 })),
    peakReservedBytes: Type.Optional(Type.Number({ minimum: 0 })),
    totalBytes: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type DeviceMemory = Static<typeof DEVICE_MEMORY>;

/** The memory of the process a backend runs in, where that is not the caller's (a worker): RSS before its model loaded, now, and its peak. */
export interface ProcessMemory extends ResidentMemory {
  rssBeforeLoadBytes: number;
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
  /** Where the backend runs in a process of its own: that process's memory, which the caller's RSS does not include. */
  processMemory?(): ProcessMemory | undefined;
  /** Optional capability: raw logits of each step with the given tokens forced (teacher forcing). */
  forcedLogits?(audio: Audio16k, tokens: number[]): Promise<Float32Array[]>;
  /** Optional capability: named per-module tensors with the given tokens forced, for localization (the worker protocol's `tensors` op). */
  tensors?(audio: Audio16k, tokens: number[], request: TensorRequest): Promise<TensorCapture>;
  dispose(): void;
  /** Optional capability: several audios transcribed in one batch (padded to one length, attention masks for the padding), a transcript each, in order. */
  transcribeBatch?(audios: Audio16k[]): Promise<BackendTranscript[]>;
  /** Optional capability: language identification on the first 30 s window (whisper.cpp's whisper_lang_auto_detect: the decoder's first step over the language tokens). */
  detectLanguage?(audio: Audio16k): Promise<LanguageDetection>;
  /** Where it can say what it actually ran on: each way that differs from what it was asked for (device, dtype, work that fell back to the CPU), empty when none does. */
  attestation?(): Attestation[];
  /** Its transcripts' timings.totalMs were measured where the work happens (a worker): performance uses them, not the caller's clock. */
  timedInside?: boolean;
  /** The OS process doing the work, when it is not this one (a worker): its memory and CPU time are read from /proc, from outside it. */
  processId?(): number | undefined;
  /** What this loaded instance can do, where it is only known once loaded (a worker says so at load); else the backend's. */
  capabilities?: readonly Capability[];
  /** Where it runs in a process of its own (a worker, an isolated backend): why that process ended, or undefined while it lives. One that ended must be loaded again. */
  ended?(): ProcessEnd | undefined;
  /** Set by the harness (harness/load/restartable-backend.ts), never by a backend: loads it again after its process ended; throws once the run's restarts are spent. */
  restart?(): Promise<void>;
}

/** One way a backend ran other than configured: its device or dtype, as it reads them back, or a fallback warning it printed (the line itself). */
export interface Attestation {
  what: 'device' | 'dtype' | 'fallback-warning';
  message: string;
}

/** What a backend's language identification says about one audio: the language it picks and each language's probability (softmax over the language tokens). */
export interface LanguageDetection {
  language: string;
  /** By language code; a language left out has probability 0. */
  probabilities: Record<string, number>;
}

/** Statistics of one captured tensor, over its finite values; nan and inf count the others. */
export interface TensorStats {
  mean: number;
  std: number;
  min: number;
  max: number;
  absMax: number;
  nan: number;
  inf: number;
}

/** A tensor as it travels: its shape and its values, little-endian float32 row-major in base64. */
export interface WireTensor {
  shape: number[];
  base64: string;
}

/** What a `tensors` call asks for: the decoder steps reported, values or only statistics, the inputs for isolation, inputs to feed. */
export interface TensorRequest {
  steps: number[];
  modules?: string[];
  values?: boolean;
  inputs?: boolean;
  feed?: Record<string, WireTensor>;
}

/** One named tensor: a module path (transformers' names) or log_mel, at a decoder step where it is the decoder's. */
export interface CapturedTensor {
  name: string;
  step?: number;
  shape: number[];
  dtype: string;
  stats: TensorStats;
  values?: Float32Array;
}

export interface TensorCapture {
  tensors: CapturedTensor[];
  /** Each module's input by key (path, or path@step): what isolation feeds the other side. */
  inputs?: Record<string, WireTensor>;
  /** How many fed inputs replaced a module's own. */
  fed?: number;
}

/** Why a backend's process ended: it died (signal, exit, failed start), outlived a timeout and was killed, or broke the protocol and was killed. */
export type ProcessEnd = 'crash' | 'timeout' | 'protocol';

/** What a caller can rely on beyond transcripts; the conformance suite checks each claimed one. */
export const CAPABILITIES = ['tokens', 'forced-logits', 'tensors', 'device-memory', 'language-detection', 'batch'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** `details`: what was found while checking (library version, system info, SoC), shown by `asr-parity backends`. */
export type Availability = { ok: true; details?: Record<string, string | number | boolean> } | { ok: false; reason: string };

/** What every backend may be given: the common fields of a config entry and the command-line flags. A backend's own fields come on top (its `config`). */
export interface BackendOptions {
  model?: string;
  library?: string;
  threads?: number;
  language?: string;
  /** Accelerator index (NPU or GPU card). */
  device?: number;
  /** A backend's own fields, as its `config` declares them (validated against that schema before it sees them). */
  [field: string]: unknown;
}

/** JSON Schema of one config field (draft 2020-12), validated by ajv when the entry meets its backend: a plain object, or TypeBox's where the field's type is derived from it. */
export type FieldSchema = TSchema | Record<string, unknown>;

/**
 * The config entry fields a backend takes, declared next to its code: a new option is a field
 * here and its use in the backend, nothing else. The entry's own `name`, `backend` and
 * `optional` are the harness's; every other field of an entry must be declared by its backend.
 */
export interface BackendConfig<O extends BackendOptions = BackendOptions> {
  fields: Record<string, FieldSchema>;
  /** Fields that hold file paths: resolved against the config file's folder. */
  paths?: readonly string[];
  /**
   * Fields that hold a path or a name the engine resolves itself (a model hub id such as
   * "distil-whisper/distil-large-v3"): resolved against the config file's folder only where
   * that path exists; anything else reaches the backend as written.
   */
  pathsOrNames?: readonly string[];
  /** The load options from the validated fields, where they are not the fields as they are (presets, argv arrays); `dir` is the config file's folder. */
  options?(fields: Record<string, unknown>, dir: string): O;
}

/**
 * How a load is run. `signal`: the run was stopped (Ctrl-C) while this load was under way; a
 * backend that started a process for it ends that process, and the load rejects. A backend in
 * this process may ignore it: the harness stops waiting for it all the same, and disposes of
 * what it loads.
 */
export interface LoadContext {
  signal?: AbortSignal;
}

/**
 * A backend: one file in backends/ (or in a folder a config's "backendPaths" names), found by backends/index.ts. `available()` must
 * answer without loading a model and say why not; `load()` may throw an AsrParityError.
 */
export interface Backend<O extends BackendOptions = BackendOptions> {
  name: string;
  description: string;
  device: string;
  precision: string;
  capabilities: readonly Capability[];
  /** The language codes it accepts, where it knows them; anything else is refused before a run. */
  languages?: readonly string[];
  /** Environment variables it reads for the model and library paths when neither a flag nor the config entry names one (README, "Paths: which one wins"). */
  env?: { model?: string; library?: string };
  /** The config entry fields it takes (with their schema); without one, an entry may set none. */
  config?: BackendConfig<O>;
  available(opts?: O): Promise<Availability>;
  load(opts?: O, context?: LoadContext): Promise<LoadedBackend>;
  /**
   * Whether it runs this model at its own precision, so that a model named once (--model) serves
   * it as the baseline too: a torch backend casts any checkpoint to its dtype; whisper.cpp runs
   * a ggml file at the file's type. Without it, a backend takes only a model named for it.
   */
  readsModel?(model: string): boolean;
  /** Already runs in a process of its own (a worker): isolation does not wrap it in another. */
  outOfProcess?: boolean;
}

/** Identity function: its only job is to type-check a backend definition. */
export function defineBackend<O extends BackendOptions>(backend: Backend<O>): Backend<O> {
  return backend;
}
