import type { PerformanceResult } from '../bench/measure-performance.ts';
import type { GateThresholds } from '../config/load-config.ts';
import type { CorpusScore } from '../score/error-rate.ts';
import type { Evidence } from '../score/gate.ts';
import type { CaseTokenParity, TokenParitySummary } from '../score/token-parity.ts';

/** The shape of report.json; reports/report.schema.json is its contract and is checked on every write and read. */
export interface CaseResult {
  id: string;
  /** The audio file, so a row can always be traced to what was heard. */
  audio: string;
  kind: string;
  audioSeconds: number;
  baselineText: string;
  deviceText: string;
  wer: number;
  cer: number;
  exact: boolean;
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  refWords: number;
  /** REF/HYP lines of the normalised texts. */
  alignment: string;
  tokenParity: CaseTokenParity | null;
}

export type TokenParityResult = ({ available: true; passed: boolean } & TokenParitySummary) | { available: false; reason: string };

export interface AccuracyResult {
  passed: boolean;
  failures: string[];
  normalizer: string;
  thresholds: GateThresholds;
  corpus: CorpusScore;
  /** What the data supports: each corpus figure with its confidence bound, and whether it suffices. */
  evidence: Evidence;
  cases: CaseResult[];
  tokenParity: TokenParityResult;
}

/** Defined beside the code that measures it (result types live with the stage that produces them). */
export type { PerformanceResult };

export type Environment = Record<string, string | number | boolean | null>;

export interface BackendReport {
  name: string;
  backend: string;
  device: string;
  precision: string;
  role: 'baseline' | 'device';
  /** false: optional, the verdict does not depend on it running. */
  required: boolean;
  status: 'ran' | 'skipped' | 'failed';
  /** Why it was skipped or failed. */
  reason?: string;
  environment?: Environment;
  accuracy?: AccuracyResult;
  performance?: PerformanceResult;
}

export interface Regression {
  backend: string;
  metric: string;
  before: number;
  after: number;
}

/** What a gate run set out to check; each required backend must have a result for each. */
export type Check = 'accuracy' | 'performance';

export type { SkippedInput } from '../audio/manifest.ts';
import type { SkippedInput } from '../audio/manifest.ts';

export interface Report {
  schemaVersion: 2;
  tool: 'asr-parity';
  generatedAt: string;
  verdict: 'pass' | 'fail' | 'incomplete';
  verdictReasons: string[];
  checks: Check[];
  environment: Environment;
  config: { source: string | null; normalizer: string; thresholds: GateThresholds; baseline: string; fixtures: string; fixturesSha256: string | null };
  backends: BackendReport[];
  inputs?: { skipped: SkippedInput[] };
  regressions?: { against: string; latencyTolerance: number; items: Regression[] };
}
