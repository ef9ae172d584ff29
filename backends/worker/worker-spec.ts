import { Type, type Static } from '@sinclair/typebox';
import { Enum, StringMap } from '../../harness/io/schema-types.ts';

/** The "command" field of a worker entry: its argv. */
export const WORKER_COMMAND = Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: "the worker's argv: [program, ...args], run in the config file's folder" });

/** The "worker" field of a worker entry: what load passes to the worker and how its process runs (README, "Worker protocol"). */
export const WORKER_FIELD = Type.Object(
  {
    device: Type.Optional(Type.String({ minLength: 1, description: 'passed to load: cpu, cuda:N, npu:N, or the worker\'s own name' })),
    dtype: Type.Optional(Type.String({ minLength: 1, description: 'passed to load: float32, float16, bfloat16, or the worker\'s own name' })),
    audio: Type.Optional(Enum(['samples', 'path'], { default: 'samples', description: 'samples: base64 float32 in the request; path: a 16 kHz mono float32 WAV the harness writes' })),
    options: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'anything else load passes to the worker' })),
    callTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, description: 'a call that takes longer kills the worker (0: no limit); default 10 minutes' })),
    loadTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, description: 'start-up, hello and load; default 10 minutes' })),
    cwd: Type.Optional(Type.String({ description: "working folder, relative to the config file; the config file's folder by default" })),
    env: Type.Optional(StringMap()),
  },
  { additionalProperties: false, description: 'worker backends: what load passes to the worker, and how the process is run' },
);

/**
 * A program speaking the worker protocol (backends/worker/protocol-schema.ts), started once per
 * load: the entry's "command" (argv, run without a shell, in `cwd`: the config file's folder by
 * default) with its "worker" settings, as declared above.
 */
export type WorkerSpec = Static<typeof WORKER_FIELD> & { command: Static<typeof WORKER_COMMAND> };
