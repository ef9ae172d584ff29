import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MANIFEST } from '../io/default-paths.ts';
import type { NormalizerName } from './normalizer-names.ts';
import { ConfigError } from '../errors.ts';
import { describeSchemaError, schemaValidator } from '../io/json-schema.ts';

/** Where an entry came from: its backend's fields are checked, and its paths resolved, against this when it meets its backend. */
export interface EntryOrigin {
  /** The config file, or null for built-in defaults and the command line. */
  file: string | null;
  /** The folder its relative paths are against: the config file's, else the working directory. */
  dir: string;
  /** The config's folders of out-of-tree backends, absolute. */
  backendPaths: readonly string[];
  /** Where in the file the entry is, as a JSON pointer (/baseline, /backends/0), so an error names the field as the file has it. */
  at?: string;
}

/**
 * A config entry: the harness's own fields (name, backend, optional) and the backend's, as
 * written. Those are the backend's to declare (its `config`), so they are checked when the
 * entry meets its backend (harness/load/resolve-backend.ts), not here.
 */
export interface BackendEntry {
  /** Label in reports; the backend kind by default. */
  name: string;
  backend: string;
  /** A required backend (the default) that does not run fails the gate; an optional one is reported as not run. */
  optional?: boolean;
  origin?: EntryOrigin;
  [field: string]: unknown;
}

export interface GateThresholds {
  maxWer: number;
  maxCer: number;
  minExactMatchRate: number;
  minTop1Agreement: number;
  marginTolerance: number;
  /** 'bound': the corpus figures' confidence bounds must meet the thresholds; 'point': the observed values must. */
  evidence: 'bound' | 'point';
  /** One-sided confidence level of the bounds. */
  confidence: number;
  /** Against reference text: device WER may exceed the baseline's by at most this (absolute); under 'bound', the upper end of the paired interval must stay within it. */
  maxWerIncrease: number;
}

/** Per-layer localization: msprobe's rule as thresholds, the mode, the noise floor (config.schema.json's localization). */
export interface LocalizationSettings {
  auto: boolean;
  mode: 'isolation' | 'propagation';
  minCosine: number;
  maxAbsError: number;
  hardMinCosine: number;
  hardMaxAbsError: number;
  floorBackend: string | null;
  floorFactor: number;
}

/** The failure shapes' thresholds (config.schema.json's failureShapes); null switches a check off. */
export interface FailureShapeSettings {
  maxCompressionRatio: number | null;
  compressionRatioOverBaseline: number;
  maxTokenRun: number | null;
  nonSpeechKinds: string[] | null;
  nonFiniteLogits: boolean;
  minLengthRatio: number | null;
  maxTailDeletions: number | null;
  minBaselineWords: number;
}

export interface Config {
  /** The file it came from, or null for the built-in defaults. */
  source: string | null;
  baseline: BackendEntry;
  backends: BackendEntry[];
  /** Folders of out-of-tree backends, absolute. */
  backendPaths: string[];
  fixtures: string;
  normalizer: NormalizerName;
  /** CER convention: 'include' counts spaces (jiwer), 'exclude' drops whitespace first. */
  cerSpaces: 'include' | 'exclude';
  thresholds: GateThresholds;
  localization: LocalizationSettings;
  failureShapes: FailureShapeSettings;
  performance: { audioSeconds: number; shortAudioSeconds: number; runs: number };
  isolation: { enabled: boolean; callTimeoutMs: number; loadTimeoutMs: number };
  /** How often a backend whose process ended on a case is started again in one run. */
  maxRestarts: number;
  results: string;
  /** The baseline's results on disk (harness/run/baseline-cache.ts). */
  baselineCache: { enabled: boolean; dir: string };
}

export const DEFAULT_CONFIG_FILE = 'asr-parity.config.json';
const SCHEMA = new URL('./config.schema.json', import.meta.url);

/** An entry as written: the harness's fields checked by config.schema.json, the backend's left for its own schema. */
type RawEntry = { name?: string; backend: string; optional?: boolean; [field: string]: unknown };

/** ASR_PARITY_BASELINE_CACHE overrides the config: `off` disables the cache, anything else is its folder (CI, and the test suites, which set `off`). */
function baselineCacheOf(c: Config['baselineCache'], base: string): Config['baselineCache'] {
  const env = process.env.ASR_PARITY_BASELINE_CACHE;
  if (env === 'off') return { enabled: false, dir: resolve(base, c.dir) };
  if (env) return { enabled: true, dir: resolve(env) };
  return { ...c, dir: resolve(base, c.dir) };
}

/** "$comment" notes (JSON has no comments) are for people: dropped once validated, so no report or backend sees them. */
function withoutComments(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutComments);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '$comment').map(([k, x]) => [k, withoutComments(x)]));
}

/**
 * Reads and validates a config file; defaults come from the schema. Paths are resolved
 * against the file's folder (a backend entry's, when it meets its backend: harness/load/). `ASR_PARITY_CONFIG` names the file when no path is given;
 * without either, `asr-parity.config.json` in the working directory, else built-in defaults.
 */
export function loadConfig(path?: string): Config {
  const file = path ?? process.env.ASR_PARITY_CONFIG ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  let raw: unknown = { backends: [{ backend: 'cpu-fp16' }] };
  if (file) {
    if (!existsSync(file)) throw new ConfigError(file, 'config file not found', `create it or pass --config; see ${DEFAULT_CONFIG_FILE} in the repository`);
    if (!statSync(file).isFile()) throw new ConfigError(file, 'is not a file', 'give --config a JSON file');
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(file, `not valid JSON: ${(e as Error).message}`, 'fix the syntax');
    }
  }
  const validate = schemaValidator(SCHEMA);
  if (!validate(raw)) throw new ConfigError(file ?? 'built-in config', describeSchemaError(validate.errors), 'see harness/config/config.schema.json');
  const c = withoutComments(raw) as Omit<Config, 'source' | 'baseline' | 'backends' | 'fixtures' | 'backendPaths'> & { baseline: RawEntry; backends: RawEntry[]; fixtures?: string; backendPaths?: string[] };
  const base = file ? dirname(resolve(file)) : process.cwd();
  const origin: EntryOrigin = { file: file ? resolve(file) : null, dir: base, backendPaths: (c.backendPaths ?? []).map((d) => resolve(base, d)) };
  const entry = (e: RawEntry, at: string): BackendEntry => ({ ...e, name: e.name ?? e.backend, origin: { ...origin, at } });
  const backends = c.backends.map((e, i) => entry(e, `/backends/${i}`));
  const baseline = entry(c.baseline, '/baseline');
  const names = [baseline.name, ...backends.map((b) => b.name)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ConfigError(file ?? 'built-in config', `backend name "${dup}" is used twice`, 'give one of the entries a distinct "name"');
  return {
    source: file ? resolve(file) : null,
    baseline,
    backends,
    backendPaths: [...origin.backendPaths],
    fixtures: c.fixtures ? resolve(base, c.fixtures) : MANIFEST,
    normalizer: c.normalizer,
    cerSpaces: c.cerSpaces,
    thresholds: c.thresholds,
    localization: c.localization,
    failureShapes: c.failureShapes,
    performance: c.performance,
    isolation: c.isolation,
    maxRestarts: c.maxRestarts,
    results: resolve(base, c.results),
    baselineCache: baselineCacheOf(c.baselineCache, base),
  };
}
