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
}

export type Availability = { ok: true } | { ok: false; reason: string };

export interface BackendOptions {
  model?: string;
  library?: string;
  threads?: number;
  language?: string;
  /** Accelerator index (NPU or GPU card). */
  device?: number;
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
  /** Environment variables that override the model and library paths, even over a config file. */
  env?: { model?: string; library?: string };
  available(opts?: BackendOptions): Promise<Availability>;
  load(opts?: BackendOptions): Promise<LoadedBackend>;
}

/** Identity function: its only job is to type-check a backend definition. */
export function defineBackend<B extends Backend>(backend: B): B {
  return backend;
}
