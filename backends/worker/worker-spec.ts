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

/** The "worker" field of a worker entry: what load passes to the worker and how its process runs (README, "Worker protocol"). */
export const WORKER_FIELD = {
  type: 'object',
  additionalProperties: false,
  description: 'worker backends: what load passes to the worker, and how the process is run',
  properties: {
    device: { type: 'string', minLength: 1, description: 'passed to load: cpu, cuda:N, npu:N, or the worker\'s own name' },
    dtype: { type: 'string', minLength: 1, description: 'passed to load: float32, float16, bfloat16, or the worker\'s own name' },
    audio: { enum: ['samples', 'path'], default: 'samples', description: 'samples: base64 float32 in the request; path: a 16 kHz mono float32 WAV the harness writes' },
    options: { type: 'object', description: 'anything else load passes to the worker' },
    callTimeoutMs: { type: 'integer', minimum: 0, description: 'a call that takes longer kills the worker (0: no limit); default 10 minutes' },
    loadTimeoutMs: { type: 'integer', minimum: 0, description: 'start-up, hello and load; default 10 minutes' },
    cwd: { type: 'string', description: "working folder, relative to the config file; the config file's folder by default" },
    env: { type: 'object', additionalProperties: { type: 'string' } },
  },
};
