import { getBackend } from '../../backends/index.ts';
import type { Availability, Backend, BackendOptions } from '../../backends/types.ts';
import type { BackendEntry, Config } from '../config/load-config.ts';
import { ConfigError, UsageError } from '../errors.ts';
import type { BackendReport } from '../report/report-types.ts';

export interface PlannedBackend {
  entry: BackendEntry;
  backend: Backend;
  options: BackendOptions;
  role: 'baseline' | 'device';
  /** The baseline always; a device backend unless its entry says optional. */
  required: boolean;
  availability: Availability;
}

export interface GatePlan {
  baseline: PlannedBackend;
  devices: PlannedBackend[];
}

/** Config paths, with the backend's environment variables on top so CI can point at real models without editing files. */
export function entryOptions(entry: BackendEntry, backend: Backend): BackendOptions {
  const env = (name: string | undefined) => (name ? process.env[name] || undefined : undefined);
  return {
    model: env(backend.env?.model) ?? entry.model,
    library: env(backend.env?.library) ?? entry.library,
    threads: entry.threads,
    language: entry.language,
    device: entry.device,
    aclLibrary: entry.aclLibrary,
    command: entry.command,
    worker: entry.worker,
  };
}

/** The registered backend of an entry, or a config error naming where the entry came from. */
export function backendOf(entry: BackendEntry, source: string): Backend {
  try {
    return getBackend(entry.backend);
  } catch (e) {
    throw new ConfigError(`${source}: backend "${entry.name}"`, (e as Error).message, 'see `asr-parity backends`');
  }
}

/** Options a backend declares it cannot take are bad input, refused before anything runs. */
export function checkOptions(name: string, backend: Backend, options: BackendOptions): void {
  const lang = options.language;
  if (lang !== undefined && backend.languages && !backend.languages.includes(lang)) {
    throw new UsageError(`${name}: language "${lang}"`, `not a language ${backend.name} knows`, `use one of: ${backend.languages.join(' ')}`);
  }
}

export async function planBackend(entry: BackendEntry, role: PlannedBackend['role'], source: string, overrides: BackendOptions = {}): Promise<PlannedBackend> {
  const backend = backendOf(entry, source);
  const options = { ...entryOptions(entry, backend), ...overrides };
  checkOptions(entry.name, backend, options);
  return { entry, backend, options, role, required: role === 'baseline' || !entry.optional, availability: await backend.available(options) };
}

/**
 * A device that is the baseline again (same backend, model and library) compares a thing with
 * itself and would always pass: refused.
 */
export function checkNotBaseline(baseline: PlannedBackend, device: PlannedBackend): void {
  const o = (p: PlannedBackend) => [p.backend.name, p.options.model ?? '(default model)', p.options.library ?? '(default library)', p.backend.name === 'command' ? JSON.stringify(p.options.command ?? null) : p.backend.name === 'worker' ? JSON.stringify(p.options.worker ?? null) : ''];
  if (JSON.stringify(o(baseline)) === JSON.stringify(o(device))) {
    throw new UsageError(device.entry.name, `is the baseline again (backend ${device.backend.name}, model ${o(device)[1]}, library ${o(device)[2]})`, 'a device backend must differ from the baseline in backend, model or library');
  }
}

/** The baseline and every device backend of a config, each with whether it can run here and why not. */
export async function planBackends(config: Config, overrides: { baseline?: BackendOptions; devices?: BackendOptions } = {}): Promise<GatePlan> {
  const source = config.source ?? 'built-in config';
  const baseline = await planBackend(config.baseline, 'baseline', source, overrides.baseline);
  const devices = await Promise.all(config.backends.map((e) => planBackend(e, 'device', source, overrides.devices)));
  for (const d of devices) checkNotBaseline(baseline, d);
  return { baseline, devices };
}

/**
 * A backend named on the command line: a config entry of that name (its model, library,
 * command...) if there is one, else the registered backend of that name with defaults.
 */
export function findEntry(config: Config, name: string): BackendEntry {
  const found = [config.baseline, ...config.backends].find((e) => e.name === name);
  if (found) return found;
  getBackend(name); // an unknown name is a usage error here, naming the choices
  return { name, backend: name };
}

/** The report entry of a backend before any result: identity and, if it cannot run, why. */
export function fragmentOf(p: PlannedBackend, extra: Partial<BackendReport> = {}): BackendReport {
  // a worker's device and dtype are its entry's, not the generic backend's 'external'
  const device = p.options.worker?.device ?? p.backend.device;
  const precision = p.options.worker?.dtype ?? p.backend.precision;
  const f: BackendReport = { name: p.entry.name, backend: p.backend.name, device, precision, role: p.role, required: p.required, status: p.availability.ok ? 'ran' : 'skipped', ...extra };
  if (!p.availability.ok && !f.reason) f.reason = p.availability.reason;
  return f;
}
