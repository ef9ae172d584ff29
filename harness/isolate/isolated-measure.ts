import type { BackendOptions } from '../../backends/types.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import { errorFromData, InferenceError } from '../errors.ts';
import { DEFAULT_LOAD_TIMEOUT_MS, type IsolationOptions } from './isolated-backend.ts';
import { forkWorker } from './worker-exec.ts';
import type { WorkerProgress, WorkerRequest, WorkerResponse } from './protocol.ts';


export interface IsolatedMeasure {
  audio: Audio16k;
  shortAudio: Audio16k;
  runs: number;
  progress?: (msg: string) => void;
}

const strip = (a: Audio16k): Audio16k => ({ samples: a.samples, duration: a.duration, source: a.source });

/**
 * Runs a whole performance measurement in a child process: the timings hold no IPC, the memory
 * figures are the backend's own process, and a native crash or hang ends only the child, as an
 * InferenceError with its last output.
 */
export function measureIsolated<T>(name: string, module: string, options: BackendOptions, m: IsolatedMeasure, iso: IsolationOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const { child, lastLines } = forkWorker();
    let done = false;
    let stage = 'loading';
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      f();
      if (child.connected) child.disconnect();
    };
    // the load has its own bound; every call the measurement makes (first, short clip, warm runs) has the call timeout
    const load = iso.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
    const limitMs = iso.callTimeoutMs > 0 && load > 0 ? load + iso.callTimeoutMs * (m.runs + 2) : 0;
    const timer = limitMs
      ? setTimeout(() => {
          finish(() => reject(new InferenceError(name, `performance measurement took longer than ${limitMs} ms (during ${stage}); the backend process was killed`, 'raise isolation.callTimeoutMs, or look for a hang in the backend')));
          child.kill('SIGKILL');
        }, limitMs)
      : undefined;
    child.on('message', (msg: WorkerResponse | WorkerProgress) => {
      if ('progress' in msg) {
        stage = msg.progress;
        m.progress?.(msg.progress);
        return;
      }
      if (msg.ok) finish(() => resolve(msg.value as T));
      else finish(() => reject(errorFromData(msg.error)));
    });
    child.on('exit', (code, signal) => {
      const last = lastLines();
      finish(() => reject(new InferenceError(name, `backend process died (${signal ?? `exit code ${code}`}) during ${stage}${last ? `: ${last}` : ''}`, 'a native crash in the backend; the run goes on without it')));
    });
    child.send({ id: 1, op: 'measure', module, options, audio: strip(m.audio), shortAudio: strip(m.shortAudio), runs: m.runs } satisfies WorkerRequest);
  });
}
