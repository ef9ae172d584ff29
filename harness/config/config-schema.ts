import { Type, type Static } from '@sinclair/typebox';
import { Default, DefRef, Enum, OneOf, type Filled } from '../io/schema-types.ts';
import { NORMALIZER_NAMES } from './normalizer-names.ts';

/**
 * The config file's shape, declared once: the loader validates against this object (ajv), its
 * types are derived from it (`ConfigFile` as written, `LoadedConfig` with the defaults in), and
 * config.schema.json beside it, the file a config's "$schema" names for editors, is written from
 * it (`npm run schemas`; published-schemas.test.ts fails when the file is stale). The thresholds'
 * defaults live here and nowhere else (threshold-table.ts reads them).
 */

const COMMENT = OneOf([Type.String(), Type.Array(Type.String())], {
  description: 'a note for people: JSON has no comments, so configs (asr-parity init writes one) say what a field means here; asr-parity ignores it',
});
/** A "$comment" field, allowed in every object of the config. */
const NOTE = Type.Optional(DefRef('comment', COMMENT));

export const BACKEND_ENTRY = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'label in reports; the backend kind by default' })),
    backend: Type.String({ minLength: 1, description: 'a registered backend (asr-parity backends)' }),
    optional: Default(Type.Boolean({ description: 'true: the gate passes without this backend when it cannot run here (reported as not run, with the reason); false (default): it must run' }), false),
    $comment: NOTE,
  },
  {
    additionalProperties: true,
    description: 'a backend and its fields: name, backend and optional are the harness\'s; every other field is the backend\'s own, declared next to its code (its config.fields) and checked against that schema when the entry meets its backend (an unknown field is refused with the list of those it takes)',
  },
);

const THRESHOLDS = Type.Object(
  {
    maxWer: Default(Type.Number({ minimum: 0, maximum: 1, description: 'WER must be below this, per case and corpus-wide (a fraction: 0.01 is 1%)' }), 0.01),
    maxCer: Default(Type.Number({ minimum: 0, maximum: 1, description: 'CER must be below this, per case and corpus-wide (a fraction: 0.01 is 1%)' }), 0.01),
    minExactMatchRate: Default(Type.Number({ minimum: 0, maximum: 1, description: 'corpus exact-match rate at least this. 0.9 because at 95% confidence, with zero mismatches, 29 utterances support it (the generated fixtures hold 43); 0.99 needs 299' }), 0.9),
    minTop1Agreement: Default(Type.Number({ minimum: 0, maximum: 1, description: 'teacher-forced top-1 agreement on decisive steps' }), 0.999),
    marginTolerance: Default(Type.Number({ minimum: 0, description: "a step is decisive when the baseline's top-1 logit leads the runner-up by more than this" }), 0.5),
    evidence: Default(Enum(['bound', 'point'], { description: "bound: the corpus WER/CER upper confidence bounds and the exact-match lower bound must meet the thresholds (too little data is 'insufficient evidence', a failure); point: the observed values must (the report labels it so)" }), 'bound'),
    confidence: Default(Type.Number({ exclusiveMinimum: 0.5, exclusiveMaximum: 1, description: 'one-sided confidence level of those bounds' }), 0.95),
    $comment: NOTE,
    maxWerIncrease: Default(Type.Number({ minimum: 0, maximum: 1, description: "where cases carry reference text: the device's WER against it may exceed the baseline's by at most this, absolute (0.01 is one point); with evidence 'bound' the upper end of the paired bootstrap interval must stay within it" }), 0.01),
  },
  { additionalProperties: false },
);

const PERFORMANCE = Type.Object(
  {
    audioSeconds: Default(Type.Number({ exclusiveMinimum: 0, maximum: 30 }), 30),
    shortAudioSeconds: Default(Type.Number({ exclusiveMinimum: 0, maximum: 30 }), 10),
    runs: Default(Type.Integer({ minimum: 5, description: 'warm runs per backend; a percentile is reported with its 95% interval once that many runs bound it: P50 5, P90 29, P99 299 (below that: "needs N runs")' }), 10),
    $comment: NOTE,
  },
  { additionalProperties: false },
);

const BASELINE_CACHE = Type.Object(
  {
    enabled: Default(Type.Boolean(), true),
    dir: Default(Type.String({ minLength: 1, description: 'relative to this file' }), '.cache/baseline'),
  },
  { additionalProperties: false, description: 'keep the baseline\'s results (transcripts, tokens, teacher-forced logits) keyed by everything that decides them, so a second gate run pays only for the devices; --no-cache recomputes' },
);

const ISOLATION = Type.Object(
  {
    enabled: Default(Type.Boolean(), true),
    callTimeoutMs: Default(Type.Integer({ minimum: 0, description: 'a call that takes longer kills the backend process (0: no limit)' }), 600000),
    loadTimeoutMs: Default(Type.Integer({ minimum: 0, description: "starting the backend's process and loading its model: longer kills it (0: no limit); apart from the call timeout because a loaded machine makes start-up slow" }), 600000),
    $comment: NOTE,
  },
  { additionalProperties: false, description: 'run each backend in its own process: a native crash or hang fails that backend, not the run' },
);

/** A number, or null to switch the check it bounds off. */
const NumberOrOff = (o: Record<string, unknown>) => Type.Unsafe<number | null>({ type: ['number', 'null'], ...o });

const LOCALIZATION = Type.Object(
  {
    auto: Default(Type.Boolean({ description: 'localize the first case whose teacher-forced top-1 flips (or whose WER is above zero), when both sides offer tensors' }), true),
    mode: Default(Enum(['isolation', 'propagation'], { description: "isolation: each module fed the baseline's input, so a module's own error is told apart from what it inherited; propagation: each side runs end to end" }), 'isolation'),
    minCosine: Default(Type.Number({ minimum: -1, maximum: 1, description: "msprobe's default rule: a tensor fails when its cosine similarity is below this and its max absolute error above maxAbsError" }), 0.99),
    maxAbsError: Default(Type.Number({ minimum: 0, description: 'with minCosine: see there' }), 0.001),
    hardMinCosine: Default(Type.Number({ minimum: -1, maximum: 1, description: 'a tensor fails whenever its cosine similarity is below this' }), 0.9),
    hardMaxAbsError: Default(Type.Number({ minimum: 0, description: 'a tensor fails whenever its max absolute error is above this' }), 1),
    floorBackend: Default(Type.Unsafe<string | null>({ type: ['string', 'null'], description: "the noise floor: this backend (the baseline's engine at a reduced precision) against the baseline, per tensor; null: no floor" }), 'torch-cpu-bf16'),
    floorFactor: Default(Type.Number({ minimum: 1, description: "a failing tensor is within the noise floor when its relative RMSE is at most this many times the floor's" }), 2),
    $comment: NOTE,
  },
  { additionalProperties: false, description: 'per-layer localization (README, "Where it broke"): on a case whose teacher-forced top-1 flips, or on demand (compare --locate CASE_ID), both sides\' per-module tensors compared where both backends offer the tensors capability' },
);

const FAILURE_SHAPES = Type.Object(
  {
    maxCompressionRatio: Default(NumberOrOff({ minimum: 0, description: "repetition loop: the device's text compresses (zlib) better than this (whisper's compression-ratio rule) and by compressionRatioOverBaseline beyond the baseline's" }), 2.4),
    compressionRatioOverBaseline: Default(Type.Number({ minimum: 1, description: "with maxCompressionRatio: the device's ratio must also exceed the baseline's by this factor (a repetitive passage compresses past 2.4 on both sides)" }), 1.25),
    maxTokenRun: Default(NumberOrOff({ minimum: 1, description: "one token repeated back to back more than this many times, and more than in the baseline's tokens" }), 16),
    nonSpeechKinds: Default(Type.Unsafe<string[] | null>({ type: ['array', 'null'], items: { type: 'string' }, description: 'case kinds that are non-speech probes: there the device must say nothing, or what the baseline says' }), ['silence', 'noise', 'tone', 'chord', 'sweep']),
    nonFiniteLogits: Default(Type.Boolean({ description: "any NaN/Inf in the device's teacher-forced logits fails" }), true),
    minLengthRatio: Default(NumberOrOff({ minimum: 0, description: "truncation: the device's words at least this fraction of the baseline's (cases with minBaselineWords or more)" }), 0.5),
    maxTailDeletions: Default(NumberOrOff({ minimum: 0, description: "truncation: at most this many of the baseline's last words missing at the tail" }), 3),
    minBaselineWords: Default(Type.Integer({ minimum: 1, description: 'truncation is judged on cases whose baseline has at least this many words' }), 5),
    languageAgreement: Default(Type.Boolean({ description: "language identification on every case where both sides offer it (the language-detection capability): the device must pick the baseline's language" }), true),
    maxLanguageProbabilityDiff: Default(NumberOrOff({ minimum: 0, maximum: 1, description: "with languageAgreement: the probability the device gives the baseline's language may differ from the baseline's by at most this" }), 0.1),
    fallbackWarnings: Default(Type.Boolean({ description: 'attestation: a worker that prints a fallback warning on its stderr (torch_npu\'s "will fall back to run on the CPU", backends/worker/fallback-warnings.ts) fails' }), true),
    $comment: NOTE,
  },
  { additionalProperties: false, description: 'the known failure shapes of Whisper ports, each a failure of its own (README, "Failure shapes"); each compares the device with the baseline on one case; null (or false) switches a check off' },
);

const INVARIANCE = Type.Object(
  {
    chunked: Default(Type.Boolean({ description: "cases longer than chunkSeconds are also transcribed in chunks of that length on both sides, and the chunked transcripts must agree as the sequential ones do (thresholds.maxWer per case)" }), true),
    batch: Default(Type.Boolean({ description: 'where the device transcribes in batches (the batch capability): the cases in batches of batchSize, neighbours of other lengths, must give the tokens each gives alone' }), true),
    batchSize: Default(Type.Integer({ minimum: 2, description: 'cases per batch of the batch check' }), 4),
    chunkSeconds: Default(Type.Number({ exclusiveMinimum: 0, maximum: 30, description: 'the chunk length of the chunked decoding, in seconds' }), 30),
    $comment: NOTE,
  },
  { additionalProperties: false, description: 'what must not change a transcript (README, "Invariance"), each a finding kind of its own' },
);

export const CONFIG_SCHEMA = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    baseline: Default(DefRef('backendEntry', BACKEND_ENTRY), { backend: 'cpu-fp32' }),
    backends: Type.Array(DefRef('backendEntry', BACKEND_ENTRY), {
      minItems: 1,
      description: 'Device backends checked against the baseline. Each is required unless it says "optional": true: a required backend that cannot run, fails to load or crashes fails the gate; an optional one is reported as not run, with the reason.',
    }),
    backendPaths: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'folders of backend files of your own (out-of-tree backends), relative to this file: each file directly in one default-exports a backend, as the files of backends/ do' })),
    fixtures: Type.Optional(Type.String({ minLength: 1, description: 'JSONL manifest of cases (audio, text, kind), relative to this file; the generated fixtures by default.' })),
    normalizer: Default(Enum(NORMALIZER_NAMES), 'basic'),
    cerSpaces: Default(Enum(['include', 'exclude'], { description: "CER convention: 'include' counts spaces as jiwer and Hugging Face evaluate do; 'exclude' drops whitespace first (the usual convention for Chinese and Japanese)" }), 'exclude'),
    thresholds: Default(THRESHOLDS, {}),
    performance: Default(PERFORMANCE, {}),
    results: Default(Type.String({ minLength: 1, description: 'folder for REPORT.md, report.json and junit.xml, relative to this file' }), 'results'),
    baselineCache: Default(BASELINE_CACHE, {}),
    isolation: Default(ISOLATION, {}),
    localization: Default(LOCALIZATION, {}),
    failureShapes: Default(FAILURE_SHAPES, {}),
    invariance: Default(INVARIANCE, {}),
    maxRestarts: Default(Type.Integer({ minimum: 0, description: 'a backend whose process dies, hangs past its call timeout or breaks the protocol on a case is started again, at most this many times per backend in a run; that case fails with its reason and the run goes on with the next (0: never start again, the rest of its cases are not run)' }), 3),
    $comment: NOTE,
  },
  {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://asr-parity.dev/schema/config.json',
    title: 'asr-parity configuration',
    additionalProperties: false,
    $defs: { backendEntry: BACKEND_ENTRY, comment: COMMENT },
  },
);

/** A config file as written (validated, before defaults). */
export type ConfigFile = Static<typeof CONFIG_SCHEMA>;
/** A config file once validated: every field with a default present. */
export type LoadedConfig = Filled<typeof CONFIG_SCHEMA>;
/** The gate's thresholds, each present (its default when the file leaves it out). */
export type GateThresholds = Omit<LoadedConfig['thresholds'], '$comment'>;
