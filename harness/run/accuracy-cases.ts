import type { CaseList } from '../audio/manifest.ts';

/**
 * The cases the accuracy gate runs: every case but the long ones (minutes of audio, there for the
 * performance check and chunked transcription; whisper.cpp would walk them window by window and
 * the gate would wait on them), the first `limit` of them when a limit is given. Inputs skipped
 * while reading stay listed.
 */
export function accuracyCases(list: CaseList, limit?: number): CaseList {
  const all = list.cases.filter((c) => c.kind !== 'long');
  return { cases: limit ? all.slice(0, limit) : all, skipped: list.skipped };
}
