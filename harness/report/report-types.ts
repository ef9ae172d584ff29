import type { Static } from '@sinclair/typebox';
import type { CorpusCommand, SkippedInput as FoundSkipped } from '../audio/manifest.ts';
import type { LatencyStats } from '../bench/latency-stats.ts';
import type { MachineState } from '../bench/machine-state.ts';
import type { OutsideFigures, PerformanceResult as MeasuredResult } from '../bench/measure-performance.ts';
import type { Same } from '../io/schema-types.ts';
import type { CorpusScore } from '../score/error-rate.ts';
import type { Finding as FoundFinding } from '../score/finding.ts';
import type { Evidence, UnderLoadCheck } from '../score/gate.ts';
import type { GroundTruth } from '../score/ground-truth.ts';
import type { ScoringConvention } from '../score/scoring-convention.ts';
import type { CaseTokenParity, FirstDivergence, TokenParitySummary } from '../score/token-parity.ts';
import type { CORPUS, CASE_TOKEN_PARITY, DIVERGENCE, EVIDENCE, FINDING, GROUND_TRUTH, SCORING, THRESHOLDS, TOKEN_PARITY } from './accuracy-schema.ts';
import type { LATENCY, MACHINE, OUTSIDE, PERFORMANCE, UNDER_LOAD } from './performance-schema.ts';
import type { Report } from './report-schema.ts';
import type { BASELINE_CACHE, BASELINE_TRANSCRIPT, CORPUS_COMMAND, ENVIRONMENT, LATENCY_COMPARISON, LOCALIZATION, LOCALIZATION_FLOOR, LOCALIZATION_ROW, REGRESSION, SHARD, SKIPPED_INPUT } from './report-schema.ts';

/**
 * The shape of report.json, each type derived from its declaration in report-schema.ts (and
 * accuracy-schema.ts, performance-schema.ts): validateReport checks every report written or read
 * against that same declaration, so a field is in the type and the schema, or in neither.
 */
export type { Report, BackendReport } from './report-schema.ts';
export type { AccuracyResult, CaseResult, CaseFailure, TokenParityResult } from './accuracy-schema.ts';
export type PerformanceResult = Static<typeof PERFORMANCE>;
export type Finding = Static<typeof FINDING>;
export type BaselineCacheUse = Static<typeof BASELINE_CACHE>;
export type Environment = Static<typeof ENVIRONMENT>;
export type BaselineTranscript = Static<typeof BASELINE_TRANSCRIPT>;
export type LocalizationRow = Static<typeof LOCALIZATION_ROW>;
export type LocalizationFloor = Static<typeof LOCALIZATION_FLOOR>;
export type Localization = Static<typeof LOCALIZATION>;
export type Regression = Static<typeof REGRESSION>;
export type LatencyComparison = Static<typeof LATENCY_COMPARISON>;
export type ShardRecord = Static<typeof SHARD>;
export type SkippedInput = Static<typeof SKIPPED_INPUT>;
/** As a report records them, old reports included: fields added since are optional here, where the producers' types (GateThresholds, GroundTruth, Evidence, CorpusScore) always have them. */
export type RecordedThresholds = Static<typeof THRESHOLDS>;
export type RecordedGroundTruth = Static<typeof GROUND_TRUTH>;
export type RecordedCorpus = Static<typeof CORPUS>;
/** What a gate run set out to check; each required backend must have a result for each. */
export type Check = Report['checks'][number];

/**
 * The results the lower layers produce and the report records as they are: each interface there
 * is the schema's shape exactly (tsc fails here on any field added, dropped or made optional on
 * one side only). Where a report keeps less, or reads older reports without a field the producer
 * now always fills (CorpusScore's unit-cost `levenshtein` counts; GroundTruth's `mapsswe`, Evidence's
 * per-rate `confidence`), the producer's type need only fit the schema's.
 */
export const RESULTS_MATCH_THE_SCHEMA: {
  PerformanceResult: Same<PerformanceResult, MeasuredResult>;
  LatencyStats: Same<Static<typeof LATENCY>, LatencyStats>;
  MachineState: Same<Static<typeof MACHINE>, MachineState>;
  OutsideFigures: Same<Static<typeof OUTSIDE>, OutsideFigures>;
  UnderLoadCheck: Same<Static<typeof UNDER_LOAD>, UnderLoadCheck>;
  Finding: Same<Finding, FoundFinding>;
  Evidence: Evidence extends Static<typeof EVIDENCE> ? true : false;
  GroundTruth: GroundTruth extends Static<typeof GROUND_TRUTH> ? true : false;
  ScoringConvention: Same<Static<typeof SCORING>, ScoringConvention>;
  CaseTokenParity: Same<Static<typeof CASE_TOKEN_PARITY>, CaseTokenParity>;
  FirstDivergence: Same<Static<typeof DIVERGENCE>, FirstDivergence>;
  TokenParitySummary: Same<Omit<Extract<Static<typeof TOKEN_PARITY>, { available: true }>, 'available' | 'passed'>, TokenParitySummary>;
  CorpusCommand: Same<Static<typeof CORPUS_COMMAND>, CorpusCommand>;
  SkippedInput: Same<SkippedInput, FoundSkipped>;
  CorpusScore: CorpusScore extends Static<typeof CORPUS> ? true : false;
} = {
  PerformanceResult: true,
  LatencyStats: true,
  MachineState: true,
  OutsideFigures: true,
  UnderLoadCheck: true,
  Finding: true,
  Evidence: true,
  GroundTruth: true,
  ScoringConvention: true,
  CaseTokenParity: true,
  FirstDivergence: true,
  TokenParitySummary: true,
  CorpusCommand: true,
  SkippedInput: true,
  CorpusScore: true,
};
