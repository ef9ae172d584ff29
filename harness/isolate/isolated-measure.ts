import type { BackendOptions } from '../../backends/types.ts';
import { encodeFloat32 } from '../../backends/worker/protocol.ts';
import { WorkerProcess } from '../../backends/worker/worker-process.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import { DEFAULT_LOAD_TIMEOUT_MS, ISOLATION_TIMEOUT_SETTINGS, type IsolationOptions } from './isolated-backend.ts';
import { inTreeWorkerCommand } from './worker-exec.ts';
import { processMemory, type ResidentMemory } from '../io/proc-figures.ts';

export interface IsolatedMeasure {
  audio: Audio16k;
  shortAudio: Audio16k;
  runs: number;
  progress?: (msg: string) => void;
}

const wire = (a: Audio16k) => ({ samples: encodeFloat32(a.samples), sampleRate: 16000, source: a.source });

/**
 * Runs a whole performance measurement in a child process (the worker protocol's 'measure'
 * op): the timings hold no IPC, the memory figures are the backend's own process, and a
 * native crash or hang ends only the child, as an InferenceError with its last output.
 */
export async function measureIsolated<T>(name: string, module: string, options: BackendOptions, m: IsolatedMeasure, iso: IsolationOptions): Promise<{ result: T; wallMs: number; processMemory: ResidentMemory | null }> {
  // the load has its own bound; every call the measurement makes (first, short clip, warm runs) has the call timeout
  const load = iso.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
  const limitMs = iso.callTimeoutMs > 0 && load > 0 ? load + iso.callTimeoutMs * (m.runs + 2) : 0;
  const { proc } = await WorkerProcess.start({ name, command: inTreeWorkerCommand(module), callTimeoutMs: iso.callTimeoutMs, loadTimeoutMs: load, timeoutSettings: ISOLATION_TIMEOUT_SETTINGS });
  try {
    const t0 = performance.now();
    const result = await proc.call<T>('measure', { options, audio: wire(m.audio), shortAudio: wire(m.shortAudio), runs: m.runs }, { timeoutMs: limitMs, progress: m.progress });
    // measured from outside the child: the wall time around its whole measurement, its memory from /proc
    return { result, wallMs: performance.now() - t0, processMemory: proc.pid === undefined ? null : processMemory(proc.pid) };
  } finally {
    proc.close();
  }
}
