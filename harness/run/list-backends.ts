import { backends } from '../../backends/index.ts';
import type { Availability, Backend } from '../../backends/types.ts';
import type { Config } from '../config/load-config.ts';
import { planBackend, type PlannedBackend } from './plan-backends.ts';

/** One backend as `asr-parity backends` lists it: what it is, its role in the config's gate, and whether it can run here. */
export type BackendRow = {
  name: string;
  backend: string;
  /** null for a registered backend the config does not use. */
  role: PlannedBackend['role'] | null;
  required: boolean | null;
  device: Backend['device'];
  precision: Backend['precision'];
  capabilities: Backend['capabilities'];
  description: string;
} & Availability;

/**
 * The config's entries first, as a gate run would plan them (command backends and their options
 * included), then every registered backend the config does not name, with its defaults.
 */
export async function backendRows(c: Config): Promise<BackendRow[]> {
  const rows: BackendRow[] = [];
  const seen = new Set<string>();
  for (const e of [c.baseline, ...c.backends]) {
    const p = await planBackend(e, e === c.baseline ? 'baseline' : 'device', c.source ?? 'built-in config');
    seen.add(e.name);
    rows.push({ name: e.name, backend: p.backend.name, role: p.role, required: p.required, device: p.backend.device, precision: p.backend.precision, capabilities: p.backend.capabilities, description: p.backend.description, ...p.availability });
  }
  for (const b of Object.values(backends)) if (!seen.has(b.name)) rows.push({ name: b.name, backend: b.name, role: null, required: null, device: b.device, precision: b.precision, capabilities: b.capabilities, description: b.description, ...(await b.available()) });
  return rows;
}
