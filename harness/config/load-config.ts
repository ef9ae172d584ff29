import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CommandSpec, WorkerSpec } from '../../backends/types.ts';
import { COMMAND_PRESETS } from '../../backends/shared/command-presets.ts';
import { MANIFEST } from '../io/default-paths.ts';
import type { NormalizerName } from './normalizer-names.ts';
import { ConfigError } from '../errors.ts';
import { describeSchemaError, schemaValidator } from './json-schema.ts';

export interface BackendEntry {
  /** Label in reports; the backend kind by default. */
  name: string;
  backend: string;
  /** A required backend (the default) that does not run fails the gate; an optional one is reported as not run. */
  optional?: boolean;
  model?: string;
  library?: string;
  threads?: number;
  device?: number;
  language?: string;
  aclLibrary?: string;
  command?: CommandSpec;
  /** A worker backend's process: its "command" array and "worker" settings. */
  worker?: WorkerSpec;
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

export interface Config {
  /** The file it came from, or null for the built-in defaults. */
  source: string | null;
  baseline: BackendEntry;
  backends: BackendEntry[];
  fixtures: string;
  normalizer: NormalizerName;
  /** CER convention: 'include' counts spaces (jiwer), 'exclude' drops whitespace first. */
  cerSpaces: 'include' | 'exclude';
  thresholds: GateThresholds;
  performance: { audioSeconds: number; shortAudioSeconds: number; runs: number };
  isolation: { enabled: boolean; callTimeoutMs: number; loadTimeoutMs: number };
  results: string;
  /** The baseline's results on disk (harness/run/baseline-cache.ts). */
  baselineCache: { enabled: boolean; dir: string };
}

export const DEFAULT_CONFIG_FILE = 'asr-parity.config.json';
const SCHEMA = new URL('./config.schema.json', import.meta.url);

type RawCommand = Partial<CommandSpec> & { preset?: string };
type RawEntry = Omit<BackendEntry, 'name' | 'command' | 'worker'> & { name?: string; command?: RawCommand | string[]; worker?: Omit<WorkerSpec, 'command'> };

/** A preset with the entry's own fields on top; the schema has already checked one or the other is complete. */
function commandOf(raw: RawCommand, base: string): CommandSpec {
  const { preset, ...own } = raw;
  const c = { ...(preset ? COMMAND_PRESETS[preset] : {}), ...own } as CommandSpec;
  return { ...c, cwd: c.cwd && resolve(base, c.cwd) };
}

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
 * against the file's folder. `ASR_PARITY_CONFIG` names the file when no path is given;
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
  const c = withoutComments(raw) as Omit<Config, 'source' | 'baseline' | 'backends' | 'fixtures'> & { baseline: RawEntry; backends: RawEntry[]; fixtures?: string };
  const base = file ? dirname(resolve(file)) : process.cwd();
  const entry = (e: RawEntry): BackendEntry => {
    if (e.worker && !Array.isArray(e.command)) throw new ConfigError(file ?? 'built-in config', `backend "${e.name ?? e.backend}" has "worker" settings but no "command" array`, 'a worker entry gives "command": [program, ...args]');
    return entryOf(e);
  };
  const entryOf = (e: RawEntry): BackendEntry => ({
    ...e,
    name: e.name ?? e.backend,
    model: e.model && resolve(base, e.model),
    library: e.library && resolve(base, e.library),
    aclLibrary: e.aclLibrary && resolve(base, e.aclLibrary),
    command: e.command && !Array.isArray(e.command) ? commandOf(e.command, base) : undefined,
    // an array is a worker's argv; it runs in the config file's folder unless told otherwise
    worker: Array.isArray(e.command) ? { ...e.worker, command: e.command, cwd: resolve(base, e.worker?.cwd ?? '.') } : undefined,
  });
  const backends = c.backends.map(entry);
  const baseline = entry(c.baseline);
  const names = [baseline.name, ...backends.map((b) => b.name)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ConfigError(file ?? 'built-in config', `backend name "${dup}" is used twice`, 'give one of the entries a distinct "name"');
  return {
    source: file ? resolve(file) : null,
    baseline,
    backends,
    fixtures: c.fixtures ? resolve(base, c.fixtures) : MANIFEST,
    normalizer: c.normalizer,
    cerSpaces: c.cerSpaces,
    thresholds: c.thresholds,
    performance: c.performance,
    isolation: c.isolation,
    results: resolve(base, c.results),
    baselineCache: baselineCacheOf(c.baselineCache, base),
  };
}
