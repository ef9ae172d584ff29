import type { Backend, BackendOptions, BackendTranscript, LoadedBackend } from '../../backends/types.ts';
import { loadAudioOnce } from '../audio/decoded-once.ts';
import type { Case } from '../audio/manifest.ts';
import { backendModules, backends } from '../../backends/index.ts';
import { BackendUnavailableError } from '../errors.ts';
import { loadIsolated, type IsolationOptions } from '../isolate/isolated-backend.ts';

/**
 * Loads a backend after checking it can run. With `isolate`, a registered backend runs in a
 * child process, so a native crash or hang becomes an error instead of the end of the run.
 */
export async function loadBackend(b: Backend, opts: BackendOptions, isolate?: IsolationOptions): Promise<LoadedBackend> {
  const a = await b.available(opts);
  if (!a.ok) throw new BackendUnavailableError(b.name, a.reason, 'see `asr-parity backends`');
  const module = backendModules[b.name];
  if (isolate && module && backends[b.name] === b && !b.outOfProcess) return loadIsolated(b.name, module, opts, isolate);
  return b.load(opts);
}

export interface CaseTranscript {
  case: Case;
  duration: number;
  /** The decoder's name for the audio's format, recorded with the case. */
  format: string;
  result: BackendTranscript;
}

/** Transcribes each case in order, reporting progress on stderr when it is a terminal. */
export async function transcribeCases(loaded: LoadedBackend, cases: readonly Case[], label: string, progress: (msg: string) => void): Promise<CaseTranscript[]> {
  const out: CaseTranscript[] = [];
  for (const [i, c] of cases.entries()) {
    progress(`${label}: ${i + 1}/${cases.length} ${c.id}`);
    const audio = await loadAudioOnce(c.audio);
    out.push({ case: c, duration: audio.duration, format: audio.source.format, result: await loaded.transcribe(audio) });
  }
  return out;
}
