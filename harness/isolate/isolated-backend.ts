import type { BackendOptions, BackendTranscript, DeviceMemory, LoadedBackend } from '../../backends/types.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import { errorFromData, InferenceError } from '../errors.ts';
import type { WorkerRequest, WorkerResponse } from './protocol.ts';
import { forkWorker } from './worker-exec.ts';


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

type Pending = { op: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Loads a backend module in a child process and proxies it. Native code that aborts,
 * segfaults or hangs takes down only the child: the caller gets an InferenceError naming the
 * signal and the last lines the child printed (whisper.cpp prints its failed assertion), and
 * the test run, the CLI and earlier results survive.
 */
export async function loadIsolated(name: string, module: string, options: BackendOptions, iso: IsolationOptions): Promise<LoadedBackend> {
  const { child, lastLines } = forkWorker();
  const pending = new Map<number, Pending>();
  let next = 0;
  let dead: Error | undefined;

  const fail = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    pending.clear();
  };
  child.on('message', (m: WorkerResponse) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.value);
    else p.reject(errorFromData(m.error));
  });
  child.on('exit', (code, signal) => {
    const op = [...pending.values()][0]?.op ?? 'idle';
    const tail = lastLines();
    fail(new InferenceError(name, `backend process died (${signal ?? `exit code ${code}`}) during ${op}${tail ? `: ${tail}` : ''}`, 'a native crash in the backend; the run goes on without it'));
  });

  const call = <T>(req: DistributiveOmit<WorkerRequest, 'id'>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (dead) return reject(dead);
      const id = ++next;
      const p: Pending = { op: req.op, resolve: resolve as (v: unknown) => void, reject };
      const isLoad = req.op === 'load';
      const timeoutMs = isLoad ? (iso.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS) : iso.callTimeoutMs;
      if (timeoutMs > 0) {
        p.timer = setTimeout(() => {
          const hint = isLoad ? 'raise the load timeout, or look for a hang while the backend starts' : 'raise the call timeout, or look for a hang in the backend';
          fail(new InferenceError(name, `${req.op} took longer than ${timeoutMs} ms; the backend process was killed`, hint));
          child.kill('SIGKILL');
        }, timeoutMs);
      }
      pending.set(id, p);
      child.send({ ...req, id } as WorkerRequest);
    });

  const info = await call<{ loadMs: number; description: ReturnType<LoadedBackend['describe']>; capabilities: { forcedLogits: boolean; memory: boolean } }>({ op: 'load', module, options }).catch((e: Error) => {
    child.kill('SIGKILL');
    throw e;
  });
  let memory: DeviceMemory | null = null;
  const refreshMemory = async () => {
    if (info.capabilities.memory) memory = await call<DeviceMemory | null>({ op: 'memory' });
  };
  const strip = (a: Audio16k): Audio16k => ({ samples: a.samples, duration: a.duration, source: a.source });
  return {
    loadMs: info.loadMs,
    describe: () => ({ ...info.description, isolated: true }),
    async transcribe(audio) {
      const r = await call<BackendTranscript>({ op: 'transcribe', audio: strip(audio) });
      await refreshMemory();
      return r;
    },
    forcedLogits: info.capabilities.forcedLogits ? (audio, tokens) => call<Float32Array[]>({ op: 'forcedLogits', audio: strip(audio), tokens }) : undefined,
    memory: info.capabilities.memory ? () => memory ?? {} : undefined,
    dispose() {
      if (!dead && child.connected) {
        child.send({ id: ++next, op: 'dispose' } satisfies WorkerRequest);
        child.disconnect();
      }
      dead ??= new InferenceError(name, 'backend was already disposed', 'load it again');
    },
  };
}
