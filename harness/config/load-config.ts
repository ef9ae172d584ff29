import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MANIFEST } from '../io/default-paths.ts';
import type { Static } from '@sinclair/typebox';
import { BACKEND_ENTRY, CONFIG_SCHEMA, type GateThresholds, type LoadedConfig } from './config-schema.ts';
import { ConfigError } from '../errors.ts';
import { describeSchemaError, schemaValidatorFor } from '../io/json-schema.ts';

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
 * A config entry: the harness's own fields (name, backend, optional; config-schema.ts) and the
 * backend's, as written. Those are the backend's to declare (its `config`), so they are checked
 * when the entry meets its backend (harness/load/resolve-backend.ts), not here.
 */
export type BackendEntry = Omit<Static<typeof BACKEND_ENTRY>, 'name' | '$comment'> & {
  /** Label in reports; the backend kind by default. */
  name: string;
  origin?: EntryOrigin;
  [field: string]: unknown;
};

export type { GateThresholds };

/** A section of the config as loaded: its notes dropped. */
type Section<K extends keyof LoadedConfig> = Omit<LoadedConfig[K], '$comment'>;

/** The config as the commands read it: config-schema.ts's fields with their defaults in, paths resolved, entries named. */
/** Per-layer localization: msprobe's rule as thresholds, the mode, the noise floor (config-schema.ts's localization). */
export type LocalizationSettings = Section<'localization'>;
/** The failure shapes' thresholds (config-schema.ts's failureShapes); null switches a check off. */
export type FailureShapeSettings = Section<'failureShapes'>;
/** The invariance checks (config-schema.ts's invariance). */
export type InvarianceSettings = Section<'invariance'>;

export interface Config {
  /** The file it came from, or null for the built-in defaults. */
  source: string | null;
  baseline: BackendEntry;
  backends: BackendEntry[];
  /** Folders of out-of-tree backends, absolute. */
  backendPaths: string[];
  fixtures: string;
  normalizer: LoadedConfig['normalizer'];
  cerSpaces: LoadedConfig['cerSpaces'];
  thresholds: GateThresholds;
  performance: Section<'performance'>;
  isolation: Section<'isolation'>;
  localization: LocalizationSettings;
  failureShapes: FailureShapeSettings;
  invariance: InvarianceSettings;
  maxRestarts: LoadedConfig['maxRestarts'];
  results: string;
  /** The baseline's results on disk (harness/run/baseline-cache.ts). */
  baselineCache: LoadedConfig['baselineCache'];
}

export const DEFAULT_CONFIG_FILE = 'asr-parity.config.json';
/** An entry as written: the harness's fields checked by config-schema.ts, the backend's left for its own schema. */
type RawEntry = Static<typeof BACKEND_ENTRY> & { [field: string]: unknown };

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
  const validate = schemaValidatorFor('config', CONFIG_SCHEMA);
  if (!validate(raw)) throw new ConfigError(file ?? 'built-in config', describeSchemaError(validate.errors), 'see harness/config/config.schema.json');
  const c = withoutComments(raw) as LoadedConfig & { baseline: RawEntry; backends: RawEntry[] };
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
    performance: c.performance,
    isolation: c.isolation,
    localization: c.localization,
    failureShapes: c.failureShapes,
    invariance: c.invariance,
    maxRestarts: c.maxRestarts,
    results: resolve(base, c.results),
    baselineCache: baselineCacheOf(c.baselineCache, base),
  };
}
