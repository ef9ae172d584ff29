import type { LoadedBackend } from '../../backends/types.ts';
import { BackendUnavailableError } from '../errors.ts';
import { loadIsolated, type IsolationOptions } from '../isolate/isolated-backend.ts';
import type { ResolvedBackend } from './resolve-backend.ts';

/** Whether a resolved backend runs in a process of its own: isolation on, a file to load there, and not a worker already. */
export function runsIsolated(r: Pick<ResolvedBackend, 'backend' | 'module'>, isolate?: IsolationOptions): r is Pick<ResolvedBackend, 'backend'> & { module: string } {
  return Boolean(isolate && r.module && !r.backend.outOfProcess);
}

/**
 * Loads a resolved backend: refused with its reason if it cannot run (the answer resolution
 * already has; availability is not asked again). With `isolate`, in a child process, so a
 * native crash or hang becomes an error instead of the end of the run. `signal`: the run was
 * stopped; a load in a process of its own (isolated, a worker) ends that process.
 */
export async function loadBackend(r: Pick<ResolvedBackend, 'backend' | 'module' | 'options' | 'availability'>, isolate?: IsolationOptions, signal?: AbortSignal): Promise<LoadedBackend> {
  if (!r.availability.ok) throw new BackendUnavailableError(r.backend.name, r.availability.reason, 'see `asr-parity backends`');
  if (runsIsolated(r, isolate)) return loadIsolated(r.backend.name, r.module, r.options, isolate!, signal);
  return signal ? r.backend.load(r.options, { signal }) : r.backend.load(r.options);
}
