import type { PerformanceResult } from '../bench/measure-performance.ts';
import type { GateThresholds } from '../config/load-config.ts';
import type { CorpusScore } from '../score/error-rate.ts';
import type { Finding } from '../score/finding.ts';
import type { Evidence, UnderLoadCheck } from '../score/gate.ts';
import type { ScoringConvention } from '../score/scoring-convention.ts';
import type { GroundTruth } from '../score/ground-truth.ts';
import type { CorpusPower } from '../score/corpus-power.ts';
import type { CaseTokenParity, TokenParitySummary } from '../score/token-parity.ts';

/** The shape of report.json; reports/report.schema.json is its contract and is checked on every write and read. */
export interface CaseResult {
  id: string;
  /** The audio file, so a row can always be traced to what was heard. */
  audio: string;
  kind: string;
  audioSeconds: number;
  /** What the decoder read (wav/pcm16, mp3, mp4/aac (ffmpeg), ...); absent in reports made before formats were recorded. */
  audioFormat?: string;
  baselineText: string;
  deviceText: string;
  /** What was said, where the case carries it (absent in reports made before it was recorded). */
  referenceText?: string;
  wer: number;
  cer: number;
  /** jiwer's MER, WIL and WIP (absent in reports made before they were recorded). */
  mer?: number;
  wil?: number;
  wip?: number;
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
  /** Every threshold missed, as values (harness/score/finding.ts); none when passed. */
  failures: Finding[];
  normalizer: string;
  /** How the figures were computed: normalizer version, CER convention, which tool each measure matches. */
  scoring?: ScoringConvention;
  thresholds: GateThresholds;
  corpus: CorpusScore;
  /** What the data supports: each corpus figure with its confidence bound, and whether it suffices. */
  evidence: Evidence;
  cases: CaseResult[];
  tokenParity: TokenParityResult;
  /** Where cases carry reference text: both backends against it, and the device-minus-baseline WER difference. */
  groundTruth?: GroundTruth;
  /** Cases left out of every figure above because one side failed on them (either backend's failures); the gate fails when any is. */
  casesLeftOut?: CaseFailure[];
}

/**
 * A case one backend could not transcribe; the run went on with the next case. `kind`: its
 * process died (`crash`), was killed past the call timeout (`timeout`) or for breaking the
 * protocol (`protocol`); it answered an error (`error`); or the case was never tried because the
 * backend could not be started again (`not-run`). `message` is for people only.
 */
export interface CaseFailure {
  kind: 'crash' | 'timeout' | 'protocol' | 'error' | 'not-run';
  /** The backend's name in the config (the report entry's `name`). */
  backend: string;
  case: string;
  audio: string;
  message: string;
}

/** Defined beside the code that measures it (result types live with the stage that produces them). */
export type { PerformanceResult, Finding };

/** How much of the baseline came from the cache (harness/run/baseline-cache.ts), and from which runs. */
export interface BaselineCacheUse {
  dir: string;
  /** This run's id (its start time), recorded in the entries it stores. */
  run: string;
  transcripts: { lookups: number; hits: number };
  /** Teacher-forced logits of the baseline's tokens. */
  logits: { lookups: number; hits: number };
  /** The gate runs (start time) that computed the entries reused. */
  fromRuns: string[];
  /** Entries that could not be trusted and were recomputed. */
  problems: string[];
}

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
  /** The cases this backend failed on (its other cases' results are kept). */
  failedCases?: CaseFailure[];
  /** The baseline only, when its cache was on. */
  baselineCache?: BaselineCacheUse;
  /** Where a case broke, layer by layer (harness/run/locate.ts): on demand or on the first case whose top-1 flips. */
  localization?: Localization;
  /** The baseline only: its transcript of each case it finished, so none is lost when no device could be compared on it. */
  transcripts?: BaselineTranscript[];
}

/** One case as the baseline transcribed it, with what was said where the case carries it. */
export interface BaselineTranscript {
  case: string;
  audio: string;
  text: string;
  referenceText?: string;
}

/** One tensor of a localization: msprobe's metrics (null: not finite) and verdict, the floor's relative RMSE. */
export interface LocalizationRow {
  name: string;
  step?: number;
  shape: number[];
  verdict: 'pass' | 'fail' | 'missing' | 'shape';
  reasons: string[];
  cosine?: number;
  maxAbsError?: number | null;
  maxRelError?: number | null;
  relativeRmse?: number | null;
  nonFiniteBaseline?: number;
  nonFiniteDevice?: number;
  floorRelativeRmse?: number | null;
  withinFloor?: boolean;
}

/** The noise floor a localization was judged against, or why there was none. */
export interface LocalizationFloor {
  backend: string;
  factor: number;
  reason?: string;
}

export type Localization =
  | { available: false; caseId: string; reason: string }
  | {
      available: true;
      caseId: string;
      mode: 'isolation' | 'propagation';
      baseline: string;
      /** The decoder steps captured: 0 (the prompt) and the first whose top-1 flips. */
      steps: number[];
      flipStep: number | null;
      /** How many baseline tokens were forced. */
      tokens: number;
      rule: { minCosine: number; maxAbsError: number; hardMinCosine: number; hardMaxAbsError: number };
      floor: LocalizationFloor | null;
      /** The first tensor in forward order failing the rule beyond the noise floor. */
      firstFailing: { name: string; step?: number; reasons: string[] } | null;
      rows: LocalizationRow[];
    };

export interface Regression {
  backend: string;
  metric: string;
  before: number;
  after: number;
  /** How to read before and after: a rate in [0, 1] or milliseconds. Absent in older reports. */
  unit?: 'fraction' | 'ms';
  /** A latency regression: the interval of after/before at `confidence`, all of it beyond 1 + the tolerance. */
  interval?: { lower: number; upper: number; confidence: number };
}

/**
 * One backend's latency against the baseline report's, judged from both runs' warm samples
 * (harness/bench/latency-shift.ts): before and after are the medians, the ratio the
 * Hodges-Lehmann estimate with its interval. The first call is one sample: shown, never judged.
 */
export interface LatencyComparison extends LatencyShift {
  backend: string;
  metric: 'warm latency' | 'first call';
  beforeMs: number;
  afterMs: number;
  judgement: ShiftJudgement | 'not judged (one sample)';
  /** The tolerance a warm-latency comparison was judged with (the busy machine's where either run was busy); absent for a first call (never judged) and in reports made before it was recorded. */
  tolerance?: number;
  /** Either run was measured on a busy machine (its performance.machine): its figures are the machine's as much as the backend's. */
  busyMachine: ('before' | 'after')[];
}

/** What a gate run set out to check; each required backend must have a result for each. */
export type Check = 'accuracy' | 'performance';

export type { SkippedInput } from '../audio/manifest.ts';
import type { LatencyShift, ShiftJudgement } from '../bench/latency-shift.ts';
import type { CorpusCommand, SkippedInput } from '../audio/manifest.ts';

/**
 * One shard of a gate run split over machines (harness/run/shard-cases.ts): which of how many,
 * who said so, and what it was given, so that `report` can merge the shards back into the whole
 * run and name what is missing or doubled.
 */
export interface ShardRecord {
  /** 0-based. */
  index: number;
  count: number;
  /** `--shard` or the scheduler and its variables (`Slurm array (SLURM_ARRAY_TASK_ID=3 ...)`). */
  source: string;
  /** The accuracy check's share: the whole corpus's size and identity, and the cases assigned here with their places in it. */
  accuracy?: {
    corpusCases: number;
    /** SHA-256 of the whole corpus's case ids in order: shards of different corpora are not merged. */
    corpusIdsSha256: string;
    /** The case ids assigned to this shard, in corpus order. */
    ids: string[];
    /** Each assigned case's 0-based place in the whole corpus (the merge restores the unsharded order, on which the seeded bootstrap depends). */
    positions: number[];
  };
  /** The performance check's share of the warm runs. */
  performance?: { totalRuns: number; runs: number };
}

export interface Report {
  /** 3: failures and verdict reasons are values, not sentences (schema 2 is read and upgraded, report-file.ts). */
  schemaVersion: 3;
  tool: 'asr-parity';
  generatedAt: string;
  verdict: 'pass' | 'fail' | 'incomplete';
  verdictReasons: Finding[];
  checks: Check[];
  environment: Environment;
  config: {
    source: string | null;
    normalizer: string;
    thresholds: GateThresholds;
    baseline: string;
    fixtures: string;
    fixturesSha256: string | null;
    /** How the cases were read: the corpus format (detected or --format) and any command a corpus named to make audio (Kaldi pipes, --allow-pipes). */
    corpus?: { format: string; commands?: CorpusCommand[]; power?: CorpusPower };
  };
  backends: BackendReport[];
  inputs?: { skipped: SkippedInput[] };
  /** The run was stopped by a signal (Ctrl-C, SIGTERM) and wrote what had finished; its verdict is then never PASS. */
  interrupted?: { signal: string };
  /** This report is one shard of a split run (`--shard i/N` or a scheduler's array); `report` merges the shards. */
  shard?: ShardRecord;
  /** This report was merged from shards: which were found (0-based) of how many. */
  mergedShards?: { count: number; found: number[] };
  regressions?: { against: string; latencyTolerance: number; busyLatencyTolerance?: number; items: Regression[]; latency?: LatencyComparison[] };
}
