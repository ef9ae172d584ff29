import type { BackendOptions, LoadedBackend } from '../../backends/types.ts';
import { loadWorker } from '../../backends/worker/loaded-worker.ts';
import { inTreeWorkerCommand } from './worker-exec.ts';

export interface IsolationOptions {
  /** A transcribe, forcedLogits or memory call that takes longer kills the backend's process; 0 disables. */
  callTimeoutMs: number;
  /**
   * Starting the process and loading the model: a bound of its own, because start-up (Node,
   * tsx, the module graph) and a model load take as long as a loaded machine makes them,
   * while a call timeout is meant for the work itself. 0 disables; default 10 minutes.
   */
  loadTimeoutMs?: number;
}

export const DEFAULT_LOAD_TIMEOUT_MS = 600_000;

/** Where the isolated process's timeouts are set: named when one fires. */
export const ISOLATION_TIMEOUT_SETTINGS = { call: '"isolation": {"callTimeoutMs"} in the config', load: '"isolation": {"loadTimeoutMs"} in the config' };

/**
 * Loads a backend module in a child process that speaks the worker protocol, as any external
 * worker does (one mechanism: backends/worker/). Native code that aborts, segfaults or hangs
 * takes down only the child: the caller gets an InferenceError naming the signal and the last
 * lines the child printed (whisper.cpp prints its failed assertion), and the test run, the CLI
 * and earlier results survive.
 */
export async function loadIsolated(name: string, module: string, options: BackendOptions, iso: IsolationOptions, signal?: AbortSignal): Promise<LoadedBackend> {
  const w = await loadWorker(
    { name, command: inTreeWorkerCommand(module), callTimeoutMs: iso.callTimeoutMs, loadTimeoutMs: iso.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS, timeoutSettings: ISOLATION_TIMEOUT_SETTINGS, signal },
    { load: { options }, audio: 'samples', identity: { isolated: true } },
  );
  return w;
}
