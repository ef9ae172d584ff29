import { Type, type Static } from '@sinclair/typebox';
import { CORPUS_COMMAND, SKIPPED_INPUT } from '../audio/case.ts';
import { NORMALIZER_NAMES } from '../config/normalizer-names.ts';
import { Const, DefRef, Enum, OneOf, OrNull, Scalar, ValueMap } from '../io/schema-types.ts';
import { FINDING } from '../score/finding.ts';
import { ACCURACY, ACCURACY_DEFS, CASE_FAILURE, THRESHOLDS } from './accuracy-schema.ts';
import { PERFORMANCE, PERFORMANCE_DEFS } from './performance-schema.ts';

/**
 * The shape of report.json, declared once: validateReport (report-file.ts) checks every report
 * written or read against REPORT_SCHEMA, report-types.ts exports the types derived from it, and
 * reports/report.schema.json is written from it (`npm run schemas`; published-schemas.test.ts
 * fails while the file is stale). The accuracy and performance sections are in their own files.
 */

const COUNT = Type.Integer({ minimum: 0 });
const NON_NEGATIVE = Type.Number({ minimum: 0 });
const CONFIDENCE = Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 });

export const ENVIRONMENT = ValueMap(Scalar(['string', 'number', 'boolean', 'null']));

/** How much of the baseline came from the cache (harness/run/baseline-cache.ts), and from which runs. */
export const BASELINE_CACHE = Type.Object(
  {
    dir: Type.String(),
    run: Type.String({ description: "this run's id (its start time), recorded in the entries it stores" }),
    transcripts: Type.Object({ lookups: COUNT, hits: COUNT }, { additionalProperties: false }),
    /** Teacher-forced logits of the baseline's tokens. */
    logits: Type.Object({ lookups: COUNT, hits: COUNT }, { additionalProperties: false }),
    /** The gate runs (start time) that computed the entries reused. */
    fromRuns: Type.Array(Type.String()),
    /** Entries that could not be trusted and were recomputed. */
    problems: Type.Array(Type.String()),
  },
  { description: 'how much of the baseline came from its cache, and from which runs', additionalProperties: false },
);

/** One tensor of a localization: msprobe's metrics (null: not finite) and verdict, the floor's relative RMSE. */
export const LOCALIZATION_ROW = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    step: Type.Optional(COUNT),
    shape: Type.Array(COUNT),
    verdict: Enum(['pass', 'fail', 'missing', 'shape']),
    reasons: Type.Array(Type.String()),
    cosine: Type.Optional(Type.Number()),
    maxAbsError: Type.Optional(OrNull(Type.Number())),
    maxRelError: Type.Optional(OrNull(Type.Number())),
    relativeRmse: Type.Optional(OrNull(Type.Number())),
    nonFiniteBaseline: Type.Optional(COUNT),
    nonFiniteDevice: Type.Optional(COUNT),
    floorRelativeRmse: Type.Optional(OrNull(Type.Number())),
    withinFloor: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The noise floor a localization was judged against, or why there was none. */
export const LOCALIZATION_FLOOR = Type.Object({ backend: Type.String(), factor: Type.Number(), reason: Type.Optional(Type.String()) }, { additionalProperties: false });

/** Where a case broke, layer by layer (harness/run/locate.ts). */
export const LOCALIZATION = OneOf(
  [
    Type.Object({ available: Const(false), caseId: Type.String(), reason: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    Type.Object(
      {
        available: Const(true),
        caseId: Type.String(),
        mode: Enum(['isolation', 'propagation']),
        baseline: Type.String(),
        /** The decoder steps captured: 0 (the prompt) and the first whose top-1 flips. */
        steps: Type.Array(COUNT),
        flipStep: OrNull(Type.Integer({ minimum: 0 })),
        /** How many baseline tokens were forced. */
        tokens: COUNT,
        rule: Type.Object({ minCosine: Type.Number(), maxAbsError: Type.Number(), hardMinCosine: Type.Number(), hardMaxAbsError: Type.Number() }, { additionalProperties: false }),
        floor: OrNull(LOCALIZATION_FLOOR),
        /** The first tensor in forward order failing the rule beyond the noise floor. */
        firstFailing: OrNull(Type.Object({ name: Type.String(), step: Type.Optional(COUNT), reasons: Type.Array(Type.String()) }, { additionalProperties: false })),
        rows: Type.Array(LOCALIZATION_ROW),
      },
      { additionalProperties: false },
    ),
  ],
  { description: "where a case broke, layer by layer: per-module tensors of baseline and device compared by msprobe's rule (harness/run/locate.ts)" },
);

/** One case as the baseline transcribed it, with what was said where the case carries it. */
export const BASELINE_TRANSCRIPT = Type.Object(
  { case: Type.String(), audio: Type.String(), text: Type.String(), referenceText: Type.Optional(Type.String({ description: 'what was said, where the case carries it' })) },
  { additionalProperties: false },
);

export const BACKEND = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    backend: Type.String({ minLength: 1 }),
    device: Type.String(),
    precision: Type.String(),
    role: Enum(['baseline', 'device']),
    required: Type.Boolean({ description: 'false: optional, the verdict does not depend on it running' }),
    status: Enum(['ran', 'skipped', 'failed']),
    /** Why it was skipped or failed. */
    reason: Type.Optional(Type.String()),
    environment: Type.Optional(DefRef('environment', ENVIRONMENT)),
    accuracy: Type.Optional(DefRef('accuracy', ACCURACY)),
    performance: Type.Optional(DefRef('performance', PERFORMANCE)),
    /** The baseline only, when its cache was on. */
    baselineCache: Type.Optional(DefRef('baselineCache', BASELINE_CACHE)),
    failedCases: Type.Optional(Type.Array(DefRef('caseFailure', CASE_FAILURE), { description: 'the cases this backend failed on; its other results are kept' })),
    transcripts: Type.Optional(Type.Array(BASELINE_TRANSCRIPT, { description: 'the baseline only: its transcript of each case it finished, so none is lost when no device could be compared on it' })),
    /** On demand or on the first case whose top-1 flips. */
    localization: Type.Optional(DefRef('localization', LOCALIZATION)),
  },
  { additionalProperties: false, allOf: [{ if: { properties: { status: { enum: ['skipped', 'failed'] } } }, then: { required: ['reason'] } }] },
);

export const REGRESSION = Type.Object(
  {
    backend: Type.String(),
    metric: Type.String(),
    before: Type.Number(),
    after: Type.Number(),
    /** How to read before and after: a rate in [0, 1] or milliseconds. Absent in older reports. */
    unit: Type.Optional(Enum(['fraction', 'ms'])),
    interval: Type.Optional(
      Type.Object({ lower: Type.Number(), upper: Type.Number(), confidence: CONFIDENCE }, { additionalProperties: false, description: 'a latency regression: the interval of after/before, all of it beyond 1 + latencyTolerance' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * One backend's latency against the baseline report's, judged from both runs' warm samples
 * (harness/bench/latency-shift.ts): before and after are the medians, the ratio the
 * Hodges-Lehmann estimate with its interval. The first call is one sample: shown, never judged.
 */
export const LATENCY_COMPARISON = Type.Object(
  {
    backend: Type.String(),
    metric: Enum(['warm latency', 'first call']),
    beforeMs: NON_NEGATIVE,
    afterMs: NON_NEGATIVE,
    ratio: NON_NEGATIVE,
    lower: OrNull(Type.Number()),
    upper: OrNull(Type.Number()),
    confidence: CONFIDENCE,
    runsBefore: Type.Integer({ minimum: 1 }),
    runsAfter: Type.Integer({ minimum: 1 }),
    tolerance: Type.Optional(
      Type.Number({ minimum: 0, description: 'the tolerance a warm-latency comparison was judged with: busyLatencyTolerance where either run was busy, latencyTolerance otherwise; absent for a first call, which is never judged' }),
    ),
    judgement: Enum(['regression', 'inconclusive', 'no regression', 'too few runs', 'not judged (one sample)']),
    busyMachine: Type.Array(Enum(['before', 'after'])),
  },
  { additionalProperties: false },
);

/** One shard of a gate run split over machines (harness/run/shard-cases.ts): `report` merges the shards back and names what is missing or doubled. */
export const SHARD = Type.Object(
  {
    index: Type.Integer({ minimum: 0, description: '0-based' }),
    count: Type.Integer({ minimum: 1 }),
    source: Type.String({ description: '--shard, or the scheduler and its variables' }),
    accuracy: Type.Optional(
      Type.Object(
        {
          corpusCases: COUNT,
          corpusIdsSha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: "SHA-256 of the whole corpus's case ids in order" }),
          ids: Type.Array(Type.String(), { description: 'the case ids assigned to this shard, in corpus order' }),
          // the merge restores the unsharded order, on which the seeded bootstrap depends
          positions: Type.Array(COUNT, { description: "each assigned case's 0-based place in the whole corpus" }),
        },
        { additionalProperties: false },
      ),
    ),
    performance: Type.Optional(Type.Object({ totalRuns: Type.Integer({ minimum: 1 }), runs: COUNT }, { additionalProperties: false })),
  },
  { description: "this report is one shard of a split run (--shard i/N or a scheduler's array, harness/run/shard-cases.ts); report merges the shards", additionalProperties: false },
);

const CORPUS_POWER = Type.Object(
  {
    confidence: Type.Number(),
    utterances: COUNT,
    withReference: COUNT,
    refWords: COUNT,
    refChars: COUNT,
    minWorse: COUNT,
    minDetectableWerIncrease: OrNull(Type.Number()),
    method: Type.String(),
    claims: Type.Array(
      Type.Object(
        {
          claim: Enum(['maxWer', 'maxCer', 'minExactMatchRate', 'maxWerIncrease']),
          threshold: Type.Number(),
          unit: Enum(['words', 'characters', 'utterances']),
          needs: OrNull(Type.Number()),
          have: COUNT,
          utterancesNeeded: OrNull(Type.Number()),
          enough: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'what the corpus can show before a run (harness/score/corpus-power.ts)' },
);


/** Every $defs entry a DefRef above names. */
const REPORT_DEFS = { environment: ENVIRONMENT, ...ACCURACY_DEFS, ...PERFORMANCE_DEFS, backend: BACKEND, baselineCache: BASELINE_CACHE, localization: LOCALIZATION };

export const REPORT_SCHEMA = Type.Object(
  {
    schemaVersion: Const(3, { description: '3: failures and verdict reasons are values (kind, backend, case, metric, observed, limit, message); schema 2 (sentences) is read and upgraded' }),
    tool: Const('asr-parity'),
    generatedAt: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' }),
    verdict: Enum(['pass', 'fail', 'incomplete']),
    verdictReasons: Type.Array(DefRef('finding', FINDING)),
    checks: Type.Array(Enum(['accuracy', 'performance']), { minItems: 1, uniqueItems: true, description: 'what the run set out to check; a required backend without a result for each is a failure' }),
    environment: DefRef('environment', ENVIRONMENT),
    config: Type.Object(
      {
        source: OrNull(Type.String()),
        normalizer: Enum(NORMALIZER_NAMES),
        thresholds: DefRef('thresholds', THRESHOLDS),
        baseline: Type.String(),
        fixtures: Type.String(),
        fixturesSha256: OrNull(Type.String({ pattern: '^[0-9a-f]{64}$' })),
        /** How the cases were read: the corpus format (detected or --format) and any command a corpus named to make audio (Kaldi pipes, --allow-pipes). */
        corpus: Type.Optional(
          Type.Object({ format: Type.String(), commands: Type.Optional(Type.Array(CORPUS_COMMAND)), power: Type.Optional(CORPUS_POWER) }, { additionalProperties: false }),
        ),
      },
      { additionalProperties: false },
    ),
    backends: Type.Array(DefRef('backend', BACKEND)),
    inputs: Type.Optional(Type.Object({ skipped: Type.Array(SKIPPED_INPUT) }, { additionalProperties: false })),
    regressions: Type.Optional(
      Type.Object(
        {
          against: Type.String(),
          latencyTolerance: NON_NEGATIVE,
          busyLatencyTolerance: Type.Optional(
            Type.Number({ minimum: 0, description: 'the tolerance applied instead of latencyTolerance where either run was measured on a busy machine (absent in reports made before it existed)' }),
          ),
          items: Type.Array(REGRESSION),
          latency: Type.Optional(
            Type.Array(LATENCY_COMPARISON, {
              description: "each backend's latency against the baseline report's, judged from both runs' warm samples (Hodges-Lehmann ratio, Mann-Whitney interval); the first call shown, never judged",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    interrupted: Type.Optional(
      Type.Object(
        {
          signal: Type.String(),
          backend: Type.Optional(Type.String({ description: 'the backend under way when the run stopped (absent: between backends, and in reports made before it was recorded)' })),
          during: Type.Optional(Enum(['loading', 'transcribing', 'measuring'], { description: 'what that backend was doing: its load, its transcriptions (the cases, or the performance audio untimed), its performance measurement' })),
        },
        { description: 'the run was stopped by a signal (Ctrl-C, SIGTERM) and wrote what had finished; its verdict is then never pass', additionalProperties: false },
      ),
    ),
    shard: Type.Optional(SHARD),
    mergedShards: Type.Optional(
      Type.Object({ count: Type.Integer({ minimum: 1 }), found: Type.Array(COUNT) }, { description: 'this report was merged from shards: which were found (0-based) of how many', additionalProperties: false }),
    ),
  },
  {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://asr-parity.dev/schema/report.json',
    title: 'asr-parity report',
    additionalProperties: false,
    $defs: REPORT_DEFS,
  },
);

export type Report = Static<typeof REPORT_SCHEMA>;
export type BackendReport = Static<typeof BACKEND>;
