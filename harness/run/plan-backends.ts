import { getBackend } from '../../backends/index.ts';
import type { Availability, Backend, BackendOptions } from '../../backends/types.ts';
import type { BackendEntry, Config } from '../config/load-config.ts';
import { ConfigError } from '../errors.ts';
import type { BackendReport } from '../report/report-types.ts';

export interface PlannedBackend {
  entry: BackendEntry;
  backend: Backend;
  options: BackendOptions;
  role: 'baseline' | 'device';
  availability: Availability;
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
  };
}

export async function planBackend(entry: BackendEntry, role: PlannedBackend['role'], source: string): Promise<PlannedBackend> {
  let backend: Backend;
  try {
    backend = getBackend(entry.backend);
  } catch (e) {
    throw new ConfigError(`${source}: backend "${entry.name}"`, (e as Error).message, 'see `asr-parity backends`');
  }
  const options = entryOptions(entry, backend);
  return { entry, backend, options, role, availability: await backend.available(options) };
}

/** The baseline and every device backend of a config, each with whether it can run here and why not. */
export async function planBackends(config: Config): Promise<{ baseline: PlannedBackend; devices: PlannedBackend[] }> {
  const source = config.source ?? 'built-in config';
  return {
    baseline: await planBackend(config.baseline, 'baseline', source),
    devices: await Promise.all(config.backends.map((e) => planBackend(e, 'device', source))),
  };
}

/** The report entry of a backend before any result: identity and, if it cannot run, why. */
export function fragmentOf(p: PlannedBackend, extra: Partial<BackendReport> = {}): BackendReport {
  const f: BackendReport = { name: p.entry.name, backend: p.backend.name, device: p.backend.device, precision: p.backend.precision, role: p.role, status: p.availability.ok ? 'ran' : 'skipped', ...extra };
  if (!p.availability.ok && !f.reason) f.reason = p.availability.reason;
  return f;
}
