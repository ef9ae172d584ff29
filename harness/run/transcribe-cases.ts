import type { BackendTranscript, LoadedBackend } from '../../backends/types.ts';
import { loadCaseAudio } from '../audio/case-audio.ts';
import type { Case } from '../audio/manifest.ts';

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
    const audio = await loadCaseAudio(c);
    out.push({ case: c, duration: audio.duration, format: audio.source.format, result: await loaded.transcribe(audio) });
  }
  return out;
}
