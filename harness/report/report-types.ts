import type { Static } from '@sinclair/typebox';
import type { CorpusScore } from '../score/error-rate.ts';
import type { Evidence } from '../score/gate.ts';
import type { GroundTruth } from '../score/ground-truth.ts';
import type { CORPUS, EVIDENCE, GROUND_TRUTH, THRESHOLDS } from './accuracy-schema.ts';
import type { Report } from './report-schema.ts';
import type { BASELINE_CACHE, BASELINE_TRANSCRIPT, ENVIRONMENT, LATENCY_COMPARISON, LOCALIZATION, LOCALIZATION_FLOOR, LOCALIZATION_ROW, REGRESSION, SHARD } from './report-schema.ts';

/**
 * The shape of report.json, each type derived from its one declaration: report-schema.ts (with
 * accuracy-schema.ts and performance-schema.ts) for the report's own parts, and the module that
 * produces a part as it is recorded (PerformanceResult, Finding, SkippedInput, ...). validateReport
 * checks every report written or read against the same declarations, so a field is in the type
 * and the schema, or in neither.
 */
export type { Report, BackendReport } from './report-schema.ts';
export type { AccuracyResult, CaseResult, CaseFailure, TokenParityResult } from './accuracy-schema.ts';
export type { PerformanceResult } from '../bench/measure-performance.ts';
export type { Finding } from '../score/finding.ts';
export type { SkippedInput } from '../audio/case.ts';
export type BaselineCacheUse = Static<typeof BASELINE_CACHE>;
export type Environment = Static<typeof ENVIRONMENT>;
export type BaselineTranscript = Static<typeof BASELINE_TRANSCRIPT>;
export type LocalizationRow = Static<typeof LOCALIZATION_ROW>;
export type LocalizationFloor = Static<typeof LOCALIZATION_FLOOR>;
export type Localization = Static<typeof LOCALIZATION>;
export type Regression = Static<typeof REGRESSION>;
export type LatencyComparison = Static<typeof LATENCY_COMPARISON>;
export type ShardRecord = Static<typeof SHARD>;
/** What a gate run set out to check; each required backend must have a result for each. */
export type Check = Report['checks'][number];
/** As a report records them, old reports included: fields added since are optional here, where the producers' types (GateThresholds, GroundTruth, Evidence, CorpusScore) always have them. */
export type RecordedThresholds = Static<typeof THRESHOLDS>;
export type RecordedGroundTruth = Static<typeof GROUND_TRUTH>;
export type RecordedCorpus = Static<typeof CORPUS>;

/**
 * The results a lower layer produces with more than a report must hold: reports made before a
 * field existed are read too (GroundTruth's `mapsswe`, Evidence's per-rate `confidence`), and a
 * report keeps less than the producer has (CorpusScore's unit-cost `levenshtein` counts). Each
 * producer's type must fit the report's declaration of it: tsc fails here on a field the
 * producer gives in another type, or drops; a field it adds that the schema lacks is refused
 * when a report is written (additionalProperties: false; CorpusScore's extras are allowed).
 */
export const RESULTS_FIT_THE_SCHEMA: {
  Evidence: Evidence extends Static<typeof EVIDENCE> ? true : false;
  GroundTruth: GroundTruth extends Static<typeof GROUND_TRUTH> ? true : false;
  CorpusScore: CorpusScore extends Static<typeof CORPUS> ? true : false;
} = { Evidence: true, GroundTruth: true, CorpusScore: true };
