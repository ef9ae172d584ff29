import type { BackendTranscript, LoadedBackend } from '../../backends/types.ts';
import { loadCaseAudio } from '../audio/case-audio.ts';
import type { Case } from '../audio/manifest.ts';
import { AudioInputError, isAsrParityError } from '../errors.ts';
import { Interrupted, untilAborted } from '../io/until-aborted.ts';
import type { CaseFailure } from '../report/report-types.ts';

export interface CaseTranscript {
  case: Case;
  duration: number;
  /** The decoder's name for the audio's format, recorded with the case. */
  format: string;
  result: BackendTranscript;
}

/** What one backend made of a case list: the transcripts it finished, the cases it failed on, and why it stopped early if it did. */
export interface CaseRun {
  results: CaseTranscript[];
  failed: CaseFailure[];
  /** Its process ended and could not be started again: the cases after it are `not-run` failures. */
  abandoned?: Error;
  /** The run was stopped (Ctrl-C) before every case was done: the case under way and those after it are neither results nor failures. */
  interrupted?: boolean;
}

/** The failure's words without the process label an error from a worker starts with (its program, such as /usr/bin/python3): the report names the backend itself. */
export function failureMessage(e: unknown): string {
  if (isAsrParityError(e) && e.code === 'INFERENCE') return `${e.problem}${e.hint ? ` (${e.hint})` : ''}`;
  return (e as Error)?.message ?? String(e);
}

/**
 * Transcribes each case in order, reporting progress. A case the backend fails on costs that
 * case only: it is recorded with its reason, a backend whose process ended is started again
 * (`loaded.restart`, bounded by the run), and the next case goes on. Audio that does not decode
 * is the user's input and ends the run (exit 2); a backend that cannot be started again stops
 * here, the remaining cases recorded as not run.
 */
export async function transcribeEachCase(loaded: LoadedBackend, cases: readonly Case[], backend: string, progress: (msg: string) => void, signal?: AbortSignal): Promise<CaseRun> {
  const run: CaseRun = { results: [], failed: [] };
  for (const [i, c] of cases.entries()) {
    if (signal?.aborted) {
      run.interrupted = true;
      break;
    }
    progress(`${backend}: ${i + 1}/${cases.length} ${c.id}`);
    const audio = await loadCaseAudio(c);
    try {
      run.results.push({ case: c, duration: audio.duration, format: audio.source.format, result: await untilAborted(loaded.transcribe(audio), signal) });
      continue;
    } catch (e) {
      if (e instanceof AudioInputError) throw e;
      // a Ctrl-C reaches the backend's process too: its death then is the user's doing, not a failure
      if (e instanceof Interrupted || signal?.aborted) {
        run.interrupted = true;
        break;
      }
      const end = loaded.ended?.();
      run.failed.push({ kind: end ?? 'error', backend, case: c.id, audio: c.audio, message: failureMessage(e) });
      if (!end) continue;
    }
    try {
      progress(`${backend}: starting again after case ${c.id}`);
      if (!loaded.restart) throw new Error('it cannot be started again here');
      // a restart is a load: stopped by a Ctrl-C like any (its process is killed through the run's signal)
      await untilAborted(loaded.restart(), signal);
    } catch (e) {
      if (e instanceof AudioInputError) throw e;
      if (e instanceof Interrupted || signal?.aborted) {
        run.interrupted = true;
        break;
      }
      run.abandoned = e as Error;
      const why = `not tried: the backend could not be started again: ${failureMessage(e)}`;
      for (const rest of cases.slice(i + 1)) run.failed.push({ kind: 'not-run', backend, case: rest.id, audio: rest.audio, message: why });
      break;
    }
  }
  return run;
}

/** Every case or an error: the first failure is thrown (for callers that need every transcript, such as the test suites' pairs). */
export async function transcribeCases(loaded: LoadedBackend, cases: readonly Case[], label: string, progress: (msg: string) => void): Promise<CaseTranscript[]> {
  const out: CaseTranscript[] = [];
  for (const [i, c] of cases.entries()) {
    progress(`${label}: ${i + 1}/${cases.length} ${c.id}`);
    const audio = await loadCaseAudio(c);
    out.push({ case: c, duration: audio.duration, format: audio.source.format, result: await loaded.transcribe(audio) });
  }
  return out;
}
