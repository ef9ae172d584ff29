import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CommandSpec } from '../../backends/types.ts';
import { COMMAND_PRESETS } from '../../backends/shared/command-presets.ts';
import { MANIFEST } from '../io/default-paths.ts';
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
}

export interface Config {
  /** The file it came from, or null for the built-in defaults. */
  source: string | null;
  baseline: BackendEntry;
  backends: BackendEntry[];
  fixtures: string;
  normalizer: 'none' | 'basic' | 'english';
  thresholds: GateThresholds;
  performance: { audioSeconds: number; shortAudioSeconds: number; runs: number };
  isolation: { enabled: boolean; callTimeoutMs: number; loadTimeoutMs: number };
  results: string;
}

export const DEFAULT_CONFIG_FILE = 'asr-parity.config.json';
const SCHEMA = new URL('./config.schema.json', import.meta.url);

type RawCommand = Partial<CommandSpec> & { preset?: string };
type RawEntry = Omit<BackendEntry, 'name' | 'command'> & { name?: string; command?: RawCommand };

/** A preset with the entry's own fields on top; the schema has already checked one or the other is complete. */
function commandOf(raw: RawCommand, base: string): CommandSpec {
  const { preset, ...own } = raw;
  const c = { ...(preset ? COMMAND_PRESETS[preset] : {}), ...own } as CommandSpec;
  return { ...c, cwd: c.cwd && resolve(base, c.cwd) };
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
  const c = raw as Omit<Config, 'source' | 'baseline' | 'backends' | 'fixtures'> & { baseline: RawEntry; backends: RawEntry[]; fixtures?: string };
  const base = file ? dirname(resolve(file)) : process.cwd();
  const entry = (e: RawEntry): BackendEntry => ({
    ...e,
    name: e.name ?? e.backend,
    model: e.model && resolve(base, e.model),
    library: e.library && resolve(base, e.library),
    aclLibrary: e.aclLibrary && resolve(base, e.aclLibrary),
    command: e.command && commandOf(e.command, base),
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
    thresholds: c.thresholds,
    performance: c.performance,
    isolation: c.isolation,
    results: resolve(base, c.results),
  };
}
