import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { BackendUnavailableError } from '../harness/errors.ts';
import { COMMON_FIELDS } from './config-fields.ts';
import { defineBackend, type BackendOptions, type LoadContext } from './types.ts';
import { loadWorker } from './worker/loaded-worker.ts';
import { WORKER_COMMAND, WORKER_FIELD, type WorkerSpec } from './worker/worker-spec.ts';

type WorkerOptions = BackendOptions & { worker?: WorkerSpec };

const TEN_MINUTES = 600_000;

/** Where a worker's timeouts are set: named when one fires. */
const WORKER_TIMEOUT_SETTINGS = { call: 'the entry\'s "worker": {"callTimeoutMs"}', load: 'the entry\'s "worker": {"loadTimeoutMs"}' };

/** Where the program of a worker command is, or why it is not runnable: checked without starting it. */
function findProgram(spec: WorkerSpec): { path: string } | { reason: string } {
  const program = spec.command[0]!;
  const cwd = spec.cwd ?? process.cwd();
  const candidates = program.includes('/') ? [isAbsolute(program) ? program : resolve(cwd, program)] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, program));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return { path: c };
    } catch {
      // next candidate
    }
  }
  return { reason: program.includes('/') ? `worker program not found or not executable: ${candidates[0]}` : `worker program ${program} is not on PATH` };
}

function specOf(opts: WorkerOptions): WorkerSpec | undefined {
  return opts.worker?.command.length ? opts.worker : undefined;
}

/**
 * Any engine, in any language, as a long-lived process speaking the worker protocol: loaded
 * once, then asked for transcripts, token ids, teacher-forced logits and device memory, with
 * timings measured inside the worker. Configured by the entry's "command": [program, ...args].
 */
export default defineBackend<WorkerOptions>({
  name: 'worker',
  description: 'a long-lived program speaking the asr-parity worker protocol (configured by "command": [...])',
  device: 'external',
  precision: 'n/a',
  // what a worker can do is known when it loads: the loaded backend says
  capabilities: [],
  outOfProcess: true,
  config: {
    fields: {
      ...COMMON_FIELDS,
      model: { type: 'string', minLength: 1, description: 'a model file or folder, relative to the config file where it exists; anything else (a hub id) is passed to the worker as written' },
      command: WORKER_COMMAND,
      worker: WORKER_FIELD,
    },
    // a hub id ("distil-whisper/distil-large-v3") is the worker's to resolve: passed as written
    pathsOrNames: ['model'],
    // the argv and the settings are one spec; it runs in the config file's folder unless told otherwise
    options({ command, worker, ...rest }, dir) {
      if (worker && !command) throw new RangeError('has "worker" settings but no "command" array: a worker entry gives "command": [program, ...args]');
      const settings = (worker ?? {}) as Omit<WorkerSpec, 'command'>;
      return { ...rest, worker: command ? { ...settings, command: command as string[], cwd: resolve(dir, settings.cwd ?? '.') } : undefined };
    },
  },
  async available(opts: WorkerOptions = {}) {
    const spec = specOf(opts);
    if (!spec) return { ok: false, reason: 'no worker command configured: give the entry "command": [program, ...args]' };
    const found = findProgram(spec);
    if ('reason' in found) return { ok: false, reason: found.reason };
    return { ok: true, details: { program: found.path, command: spec.command.join(' ') } };
  },
  async load(opts: WorkerOptions = {}, context: LoadContext = {}) {
    const spec = specOf(opts);
    if (!spec) throw new BackendUnavailableError('worker', 'no worker command configured', 'give the entry "command": [program, ...args]');
    const name = opts.worker?.command[0] ?? 'worker';
    const loaded = await loadWorker(
      { name: `worker ${name}`, command: spec.command, cwd: spec.cwd, env: spec.env, callTimeoutMs: spec.callTimeoutMs ?? TEN_MINUTES, loadTimeoutMs: spec.loadTimeoutMs ?? TEN_MINUTES, timeoutSettings: WORKER_TIMEOUT_SETTINGS, signal: context.signal },
      {
        load: { model: opts.model, device: spec.device, dtype: spec.dtype, threads: opts.threads, language: opts.language ?? 'en', options: spec.options },
        audio: spec.audio ?? 'samples',
        identity: { backend: 'worker', workerCommand: spec.command.join(' '), workerProtocol: 1 },
      },
    );
    return { ...loaded, timedInside: true };
  },
});
