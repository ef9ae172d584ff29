import { Type, type Static } from '@sinclair/typebox';
import { ERROR_CODES } from '../../harness/errors.ts';
import { Const, DefRef, Enum, OneOf } from '../../harness/io/schema-types.ts';
import { CAPABILITIES, DEVICE_MEMORY } from '../types.ts';

/**
 * asr-parity's worker protocol, version 1, declared once: protocol.ts validates every line a
 * worker writes against these (ajv), the harness's types are derived from them, and
 * protocol.schema.json, the file a worker in another language is written against (README,
 * "Worker protocol"), is written from them (`npm run schemas`; published-schemas.test.ts).
 */

/** The version a worker's hello must answer with. */
export const PROTOCOL_VERSION = 1;

const ERROR_CODE = Enum(ERROR_CODES);

const AUDIO = OneOf(
  [
    Type.Object({ path: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    Type.Object({ samples: Type.String(), sampleRate: Type.Optional(Const(16000)), source: Type.Optional(Type.Unsafe<object>({ type: 'object', description: 'optional: where the samples came from, for messages' })) }, { additionalProperties: false }),
  ],
  { description: 'path: a 16 kHz mono WAV the harness wrote (32-bit float, format 3); samples: base64 of little-endian float32 samples at 16 kHz' },
);

/** The ops, in the order a worker is asked them. */
export const OPS = ['hello', 'load', 'transcribe', 'transcribeBatch', 'forcedLogits', 'tensors', 'detectLanguage', 'memory', 'dispose', 'measure'] as const;

const WIRE_TENSOR = Type.Object({
  shape: Type.Array(Type.Integer({ minimum: 0 })),
  base64: Type.String({ description: 'little-endian float32, row-major' }),
});

const TENSOR_STATS = Type.Object(
  {
    mean: Type.Number(),
    std: Type.Number(),
    min: Type.Number(),
    max: Type.Number(),
    absMax: Type.Number(),
    nan: Type.Integer({ minimum: 0 }),
    inf: Type.Integer({ minimum: 0 }),
  },
  { description: 'over the finite values; nan and inf count the others' },
);

const TENSORS = Type.Object(
  {
    tensors: Type.Array(
      Type.Object({
        name: Type.String({ minLength: 1 }),
        step: Type.Optional(Type.Integer({ minimum: 0 })),
        shape: Type.Array(Type.Integer({ minimum: 0 })),
        dtype: Type.String(),
        stats: DefRef('tensorStats', TENSOR_STATS),
        values: Type.Optional(Type.String({ description: 'with values: base64 of little-endian float32, row-major' })),
      }),
    ),
    inputs: Type.Optional(Type.Record(Type.String(), DefRef('wireTensor', WIRE_TENSOR))),
    fed: Type.Optional(Type.Integer({ minimum: 0, description: "how many fed inputs replaced a module's own" })),
  },
  { description: 'named tensors in forward order (encoder first, then each reported step): module paths as transformers names them, plus log_mel' },
);

const REQUEST = Type.Object({
  id: Type.Integer({ minimum: 0 }),
  op: Enum(OPS),
  protocol: Type.Optional(Const(PROTOCOL_VERSION, { description: 'hello: the version the harness speaks' })),
  model: Type.Optional(Type.String()),
  device: Type.Optional(Type.String({ description: "load: cpu, cuda:N, npu:N, or the worker's own name" })),
  dtype: Type.Optional(Type.String({ description: "load: float32, float16, bfloat16, or the worker's own name" })),
  threads: Type.Optional(Type.Integer({ minimum: 1 })),
  language: Type.Optional(Type.String()),
  options: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: "load: anything else the worker's config entry passes on" })),
  audio: Type.Optional(DefRef('audio', AUDIO)),
  audios: Type.Optional(Type.Array(DefRef('audio', AUDIO), { minItems: 1, description: 'transcribeBatch: the audios of one batch' })),
  tokens: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }))),
  steps: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }), { description: 'tensors: the decoder steps reported (0: the prompt; k: after forced token k-1)' })),
  modules: Type.Optional(Type.Array(Type.String(), { description: 'tensors: module paths to capture (default: all the worker offers)' })),
  values: Type.Optional(Type.Boolean({ description: "tensors: return each tensor's values, not only its statistics" })),
  inputs: Type.Optional(Type.Boolean({ description: "tensors: return each captured module's input at every step up to the last reported (what isolation feeds the other side)" })),
  feed: Type.Optional(Type.Record(Type.String(), DefRef('wireTensor', WIRE_TENSOR), { description: "tensors (isolation): inputs by key (module path, or path@step) that replace the module's own" })),
  shortAudio: Type.Optional(DefRef('audio', AUDIO, { description: 'measure (in-tree worker): the short clip timed once' })),
  runs: Type.Optional(Type.Integer({ minimum: 1, description: 'measure: warm runs' })),
});

const ERROR = Type.Object({
  code: DefRef('errorCode', ERROR_CODE),
  input: Type.Optional(Type.String()),
  problem: Type.String({ minLength: 1 }),
  hint: Type.Optional(Type.String()),
});

const MESSAGE = OneOf(
  [
    Type.Object({ id: Type.Integer(), ok: Const(true), value: Type.Unknown() }),
    Type.Object({ id: Type.Integer(), ok: Const(false), error: DefRef('error', ERROR) }),
    Type.Object({ id: Type.Integer(), progress: Type.String() }),
  ],
  { description: 'any line a worker writes on stdout' },
);

const FACTS = Type.Unsafe<Record<string, string | number | boolean>>({ type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } });
const CAPABILITY = Enum([...CAPABILITIES, 'measure']);

const HELLO = Type.Object({
  protocol: Const(PROTOCOL_VERSION),
  engine: Type.String({ minLength: 1 }),
  engineVersion: Type.Optional(Type.String()),
  languages: Type.Optional(Type.Array(Type.String())),
});

const LOAD = Type.Object({
  loadMs: Type.Number({ minimum: 0 }),
  description: DefRef('facts', FACTS),
  capabilities: Type.Optional(Type.Array(DefRef('capability', CAPABILITY), { uniqueItems: true })),
});

const TRANSCRIBE = Type.Object({
  text: Type.String(),
  tokens: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }))),
  timings: Type.Unsafe<{ totalMs: number; [k: string]: number }>({
    type: 'object',
    required: ['totalMs'],
    properties: { totalMs: { type: 'number', minimum: 0 } },
    additionalProperties: { type: 'number' },
    description: 'measured inside the worker, in ms; totalMs is the whole call',
  }),
});

const TRANSCRIBE_BATCH = Type.Object(
  { results: Type.Array(DefRef('transcribe', TRANSCRIBE)) },
  { description: "one transcribe value per audio of the batch, in the request's order (the batch capability)" },
);

const FORCED_LOGITS = Type.Object(
  {
    steps: Type.Integer({ minimum: 1 }),
    vocab: Type.Integer({ minimum: 1 }),
    dtype: Const('float32'),
    base64: Type.String(),
  },
  { description: 'steps rows of vocab logits, row-major, base64 of little-endian float32: the row before each forced token, then one after the last' },
);

const DETECT_LANGUAGE = Type.Object(
  {
    language: Type.String({ minLength: 1 }),
    probabilities: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 }), { description: 'by language code: the softmax over the language tokens after the start-of-transcript token' }),
  },
  { description: "the language the engine identifies on the audio's first 30 s window (the language-detection capability)" },
);

export const PROTOCOL_SCHEMA = Type.Unsafe<never>({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://asr-parity.dev/schema/worker-protocol-${PROTOCOL_VERSION}.json`,
  title: `asr-parity worker protocol, version ${PROTOCOL_VERSION}`,
  description: 'A long-lived process reads one JSON request per line on stdin and writes one JSON response per line on stdout (logs go to stderr). Every request has an id; its response repeats it. A request may be followed by progress lines before its response.',
  $defs: {
    errorCode: ERROR_CODE,
    audio: AUDIO,
    request: REQUEST,
    error: ERROR,
    message: MESSAGE,
    facts: FACTS,
    capability: CAPABILITY,
    hello: HELLO,
    load: LOAD,
    transcribe: TRANSCRIBE,
    transcribeBatch: TRANSCRIBE_BATCH,
    forcedLogits: FORCED_LOGITS,
    wireTensor: WIRE_TENSOR,
    tensorStats: TENSOR_STATS,
    tensors: TENSORS,
    detectLanguage: DETECT_LANGUAGE,
    memory: DEVICE_MEMORY,
    dispose: Type.Null(),
    measure: Type.Unsafe<object>({ type: 'object', description: "asr-parity's own performance result (the in-tree worker only)" }),
  },
});

export type Op = (typeof OPS)[number];
export type WireAudio = Static<typeof AUDIO>;
export type Request = Static<typeof REQUEST>;
export type WireError = Static<typeof ERROR>;
export type Message = Static<typeof MESSAGE>;
export type HelloValue = Static<typeof HELLO>;
export type LoadValue = Static<typeof LOAD>;
export type TranscribeValue = Static<typeof TRANSCRIBE>;
export type TranscribeBatchValue = Static<typeof TRANSCRIBE_BATCH>;
export type ForcedLogitsValue = Static<typeof FORCED_LOGITS>;
/** The tensors op's value, each tensor's values still base64 (backends/types.ts TensorCapture once decoded). */
export type TensorsValue = Static<typeof TENSORS>;
export type DetectLanguageValue = Static<typeof DETECT_LANGUAGE>;
export type MemoryValue = Static<typeof DEVICE_MEMORY>;
