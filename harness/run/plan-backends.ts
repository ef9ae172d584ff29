import { addBackendFolders, getBackend } from '../../backends/index.ts';
import type { BackendOptions } from '../../backends/types.ts';
import type { BackendEntry, Config } from '../config/load-config.ts';
import { UsageError } from '../errors.ts';
import { resolveBackend, type ResolvedBackend } from '../load/resolve-backend.ts';
import type { BackendReport } from '../report/report-types.ts';

export interface PlannedBackend extends ResolvedBackend {
  role: 'baseline' | 'device';
  /** The baseline always; a device backend unless its entry says optional. */
  required: boolean;
}

export interface GatePlan {
  baseline: PlannedBackend;
  devices: PlannedBackend[];
}

export async function planBackend(entry: BackendEntry, role: PlannedBackend['role'], source: string, overrides: BackendOptions = {}): Promise<PlannedBackend> {
  return { ...(await resolveBackend(entry, source, overrides)), role, required: role === 'baseline' || !entry.optional };
}

/**
 * A device that is the baseline again (same backend, model and library) compares a thing with
 * itself and would always pass: refused.
 */
export function checkNotBaseline(baseline: PlannedBackend, device: PlannedBackend): void {
  // threads change the speed, not the transcript: every other option (model, library, a command or worker spec...) counts
  const o = (p: PlannedBackend) => {
    const { model, library, threads: _threads, ...rest } = p.options;
    return [p.backend.name, model ?? '(default model)', library ?? '(default library)', JSON.stringify(rest)];
  };
  if (JSON.stringify(o(baseline)) === JSON.stringify(o(device))) {
    throw new UsageError(device.entry.name, `is the baseline again (backend ${device.backend.name}, model ${o(device)[1]}, library ${o(device)[2]})`, 'a device backend must differ from the baseline in backend, model or library');
  }
}

/** The baseline and every device backend of a config, each with whether it can run here and why not. */
export async function planBackends(config: Config, overrides: { baseline?: BackendOptions; devices?: BackendOptions } = {}): Promise<GatePlan> {
  const source = config.source ?? 'built-in config';
  await addBackendFolders(config.backendPaths, source);
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
  // the config's folder and backendPaths, but no place in the file: the entry is not in it
  return { name, backend: name, origin: config.baseline.origin && { ...config.baseline.origin, at: undefined } };
}

/** The report entry of a backend before any result: identity and, if it cannot run, why. */
export function fragmentOf(p: PlannedBackend, extra: Partial<BackendReport> = {}): BackendReport {
  // a worker's device and dtype are its entry's, not the generic backend's 'external'
  const worker = p.options.worker as { device?: string; dtype?: string } | undefined;
  const device = worker?.device ?? p.backend.device;
  // the loaded model's own precision where the backend reports it (an f32 file under cpu-fp16 is fp32), else the entry's or the backend's
  const loaded = extra.environment?.precision;
  const precision = (typeof loaded === 'string' ? loaded : undefined) ?? worker?.dtype ?? p.backend.precision;
  const f: BackendReport = { name: p.entry.name, backend: p.backend.name, device, precision, role: p.role, required: p.required, status: p.availability.ok ? 'ran' : 'skipped', ...extra };
  if (!p.availability.ok && !f.reason) f.reason = p.availability.reason;
  return f;
}
