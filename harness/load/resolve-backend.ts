import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { addBackendFolders, backendModules, getBackend } from '../../backends/index.ts';
import type { Availability, Backend, BackendOptions } from '../../backends/types.ts';
import type { BackendEntry } from '../config/load-config.ts';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { describeSchemaError, schemaValidatorFor } from '../io/json-schema.ts';
import { ConfigError, isAsrParityError, UsageError } from '../errors.ts';

/**
 * A backend as a run uses it, resolved once: the registered backend, the file that defines it
 * (what a process of its own loads), its options and whether it can run here. Loading and
 * measuring take this; nothing asks the backend or the registry again.
 */
export interface ResolvedBackend {
  entry: BackendEntry;
  backend: Backend;
  /** The file that defines `backend`; absent for a backend built in memory, which then loads in this process. */
  module?: string;
  options: BackendOptions;
  availability: Availability;
}

/** The entry's own fields (name, backend, optional, origin) are the harness's; the rest are its backend's. */
const HARNESS_FIELDS = new Set(['name', 'backend', 'optional', 'origin']);

/** Where an entry came from, for errors: the config file and the entry, or the label the caller gave. */
const whereOf = (entry: BackendEntry, source: string) => `${entry.origin?.file ?? source}: backend "${entry.name}"`;

/** "field /backends/0/threads must be >= 1 (entry "cpu-fp16", a field of backend cpu-fp16)": the field as the config file has it. */
function fieldProblem(entry: BackendEntry, backend: Backend, errors: ErrorObject[] | null | undefined): string {
  const at = entry.origin?.at ?? '';
  return `${describeSchemaError(errors?.map((e) => ({ ...e, instancePath: at + e.instancePath })))} (entry "${entry.name}", a field of backend ${backend.name})`;
}

/** The registered backend of an entry (after registering its config's out-of-tree folders), or a config error naming where the entry came from. */
export async function backendOf(entry: BackendEntry, source: string): Promise<Backend> {
  await addBackendFolders(entry.origin?.backendPaths ?? [], entry.origin?.file ?? source);
  try {
    return getBackend(entry.backend);
  } catch (e) {
    throw new ConfigError(whereOf(entry, source), (e as Error).message, 'see `asr-parity backends`');
  }
}

/**
 * The backend's fields of an entry, checked against the schema the backend declares (ajv, once,
 * here at the boundary: a bad value is exit 2 naming the config file, the entry and the field),
 * with its paths resolved against the config file's folder and turned into load options.
 */
export function optionsOf(entry: BackendEntry, backend: Backend, source: string): BackendOptions {
  const fields = Object.fromEntries(Object.entries(entry).filter(([k]) => !HARNESS_FIELDS.has(k) && k !== '$comment'));
  const declared = backend.config ?? { fields: {} };
  let validate;
  try {
    validate = schemaValidatorFor(`backend-${backend.name}`, { type: 'object', additionalProperties: false, properties: declared.fields });
  } catch (e) {
    // a backend's own mistake (an out-of-tree one most likely), not the config's: named as such
    throw new ConfigError(backendModules[backend.name] ?? backend.name, `declares config fields that are not a valid JSON Schema: ${(e as Error).message}`, 'fix config.fields in the backend (JSON Schema draft 2020-12, strict)');
  }
  if (!validate(fields)) {
    const names = Object.keys(declared.fields);
    throw new ConfigError(entry.origin?.file ?? source, fieldProblem(entry, backend, validate.errors), names.length ? `${backend.name} takes: ${names.join(', ')}` : `${backend.name} takes no fields of its own`);
  }
  const dir = entry.origin?.dir ?? process.cwd();
  for (const p of declared.paths ?? []) if (typeof fields[p] === 'string') fields[p] = resolve(dir, fields[p]);
  for (const p of declared.pathsOrNames ?? []) if (typeof fields[p] === 'string' && existsSync(resolve(dir, fields[p]))) fields[p] = resolve(dir, fields[p]);
  if (!declared.options) return fields;
  try {
    return declared.options(fields, dir);
  } catch (e) {
    // fields that pass their schemas but not together (a worker's settings without its argv): still the config's mistake
    if (isAsrParityError(e)) throw e;
    throw new ConfigError(whereOf(entry, source), (e as Error).message, `see the fields of the ${backend.name} backend`);
  }
}

/** Options a backend declares it cannot take are bad input, refused before anything runs. */
export function checkOptions(name: string, backend: Backend, options: BackendOptions): void {
  const lang = options.language;
  if (lang !== undefined && backend.languages && !backend.languages.includes(lang)) {
    throw new UsageError(`${name}: language "${lang}"`, `not a language ${backend.name} knows`, `use one of: ${backend.languages.join(' ')}`);
  }
}

/**
 * An entry resolved for a run: its backend, its options (the command line's over the entry's;
 * a backend then falls back to its environment variables and defaults, README "Paths: which
 * one wins"), and its availability, asked once.
 */
export async function resolveBackend(entry: BackendEntry, source: string, overrides: BackendOptions = {}): Promise<ResolvedBackend> {
  const backend = await backendOf(entry, source);
  const options = { ...optionsOf(entry, backend, source), ...overrides };
  checkOptions(entry.name, backend, options);
  return { entry, backend, module: backendModules[backend.name], options, availability: await backend.available(options) };
}
