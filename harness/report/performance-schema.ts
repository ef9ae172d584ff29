import { Type, type Static } from '@sinclair/typebox';
import { DEVICE_MEMORY } from '../../backends/types.ts';
import { DefRef, Enum, OneOf, OrNull } from '../io/schema-types.ts';

/**
 * The performance section of report.json (harness/bench/measure-performance.ts PerformanceResult),
 * declared once: report-schema.ts gathers it into the report's schema, report-types.ts exports the
 * type derived here. `DefRef(name, X)` is `#/$defs/<name>`, held by REPORT_DEFS.
 */

const COUNT = Type.Integer({ minimum: 0 });
const NON_NEGATIVE = Type.Number({ minimum: 0 });
const NON_NEGATIVE_OR_NULL = OneOf([NON_NEGATIVE, Type.Null()]);
const FRACTION_OR_NULL = OrNull(Type.Number({ minimum: 0, maximum: 1 }));

const INTERVAL = OneOf([Type.Null(), Type.Object({ value: NON_NEGATIVE, lower: NON_NEGATIVE_OR_NULL, upper: NON_NEGATIVE }, { additionalProperties: false })]);

/** Latency statistics of the warm runs (harness/bench/latency-stats.ts). */
export const LATENCY = Type.Object(
  {
    runs: Type.Integer({ minimum: 1 }),
    mean: NON_NEGATIVE,
    p50: OneOf([NON_NEGATIVE, Type.Null()], { description: 'null: too few runs for its confidence bound to be an observed run (5)' }),
    p90: OneOf([NON_NEGATIVE, Type.Null()], { description: 'null: too few runs (29)' }),
    p99: OneOf([NON_NEGATIVE, Type.Null()], { description: 'null: too few runs (299)' }),
    min: NON_NEGATIVE,
    max: NON_NEGATIVE,
    stdev: NON_NEGATIVE,
    intervals: Type.Object({ p50: INTERVAL, p90: INTERVAL, p99: INTERVAL }, { additionalProperties: false, description: 'distribution-free bounds from order statistics at `confidence`' }),
    confidence: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
    drift: OrNull(Type.Number({ description: 'mean of the last third of the runs over the first third, minus 1' })),
  },
  { additionalProperties: false },
);

/** The timed calls' transcripts against the accuracy path's transcript of the same audio (harness/score/gate.ts). */
export const UNDER_LOAD = Type.Object(
  {
    reference: Enum(['accuracy run', 'untimed run']),
    calls: COUNT,
    matching: COUNT,
    passed: Type.Boolean(),
    differences: Type.Array(Type.Object({ call: Type.String(), text: Type.String(), referenceText: Type.String() }, { additionalProperties: false })),
  },
  { description: "timed calls' transcripts against the accuracy path's transcript of the same audio (MLPerf TEST01)", additionalProperties: false },
);

/** How busy the machine was while this was measured (harness/bench/machine-state.ts). */
export const MACHINE = Type.Object(
  {
    cpus: Type.Integer({ minimum: 1 }),
    loadAverageBefore: Type.Array(NON_NEGATIVE, { minItems: 3, maxItems: 3 }),
    loadAverageAfter: Type.Array(NON_NEGATIVE, { minItems: 3, maxItems: 3 }),
    wallMs: NON_NEGATIVE,
    cpuMs: NON_NEGATIVE,
    othersCpuShare: FRACTION_OR_NULL,
    stealShare: FRACTION_OR_NULL,
    busy: Type.Boolean(),
  },
  { description: 'how busy the machine was while this was measured', additionalProperties: false },
);

/** What the harness saw from outside a backend that runs in another process. */
export const OUTSIDE = Type.Object(
  {
    callWallMs: Type.Optional(Type.Array(NON_NEGATIVE, { description: "the harness's wall time around each warm call, run order, beside samplesMs" })),
    measurementWallMs: Type.Optional(NON_NEGATIVE),
    processMemory: OneOf([Type.Null(), Type.Object({ rssBytes: NON_NEGATIVE, peakRssBytes: NON_NEGATIVE }, { additionalProperties: false })]),
    disagreements: Type.Array(Type.Object({ call: Type.String(), reportedMs: Type.Number(), wallMs: NON_NEGATIVE, kind: Enum(['more', 'less']) }, { additionalProperties: false })),
  },
  { description: 'what the harness measured from outside a backend that runs in another process', additionalProperties: false },
);

export const PERFORMANCE = Type.Object(
  {
    audioSeconds: Type.Number({ exclusiveMinimum: 0 }),
    loadMs: NON_NEGATIVE,
    firstCallMs: NON_NEGATIVE,
    shortAudio: Type.Object({ audioSeconds: Type.Number({ exclusiveMinimum: 0 }), latencyMs: NON_NEGATIVE, text: Type.String() }, { additionalProperties: false }),
    latencyMs: DefRef('latency', LATENCY),
    samplesMs: Type.Array(NON_NEGATIVE, { minItems: 1, description: 'warm-run latencies in run order' }),
    rtf: NON_NEGATIVE,
    rtfx: NON_NEGATIVE,
    memory: Type.Object(
      {
        hostRssBeforeLoadBytes: NON_NEGATIVE,
        hostRssAfterLoadBytes: NON_NEGATIVE,
        hostRssAfterRunsBytes: NON_NEGATIVE,
        hostPeakRssBytes: NON_NEGATIVE,
        device: DefRef('deviceMemory', OrNull(DEVICE_MEMORY)),
      },
      { additionalProperties: false },
    ),
    speedup: OrNull(Type.Number({ exclusiveMinimum: 0 })),
    determinism: Type.Object({ runs: Type.Integer({ minimum: 1 }), distinctOutputs: Type.Integer({ minimum: 1 }), deterministic: Type.Boolean() }, { additionalProperties: false }),
    underLoad: Type.Optional(DefRef('underLoad', UNDER_LOAD)),
    cpuMsPerRun: Type.Optional(Type.Array(NON_NEGATIVE, { description: "CPU time of each warm run (ms, run order): the measuring process's plus the backend process's where it is another" })),
    machine: Type.Optional(MACHINE),
    outside: Type.Optional(OUTSIDE),
  },
  { additionalProperties: false },
);

/** The $defs these sections are referred to by. */
export const PERFORMANCE_DEFS = { latency: LATENCY, deviceMemory: OrNull(DEVICE_MEMORY), performance: PERFORMANCE, underLoad: UNDER_LOAD };

export type PerformanceSection = Static<typeof PERFORMANCE>;
