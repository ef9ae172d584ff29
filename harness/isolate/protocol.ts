import type { Audio16k } from '../audio/decoded-audio.ts';
import type { ErrorCode } from '../errors.ts';

/** Messages between an isolated backend and its process; the 'advanced' serializer carries typed arrays as they are. */
export type WorkerRequest = { id: number } & (
  | { op: 'load'; module: string; options: unknown }
  | { op: 'transcribe'; audio: Audio16k }
  | { op: 'forcedLogits'; audio: Audio16k; tokens: number[] }
  | { op: 'memory' }
  | { op: 'dispose' }
  /** A whole performance measurement inside the child: timings without IPC in them, and the child's own memory. */
  | { op: 'measure'; module: string; options: unknown; audio: Audio16k; shortAudio: Audio16k; runs: number }
);

export type WorkerResponse = { id: number } & ({ ok: true; value: unknown } | { ok: false; error: { code: ErrorCode; input: string; problem: string; hint?: string } });

/** A line of progress from a long request (measure), sent before its response. */
export interface WorkerProgress {
  id: number;
  progress: string;
}
