import type { Case, CaseList } from '../audio/manifest.ts';

/**
 * The cases the accuracy gate runs: every case but the long ones (minutes of audio, there for the
 * performance check and chunked transcription; whisper.cpp would walk them window by window and
 * the gate would wait on them), the first `limit` of them when a limit is given. Inputs skipped
 * while reading stay listed.
 */
export function accuracyCases(list: CaseList, limit?: number): CaseList {
  return { cases: accuracySelection(limit)(list.cases), skipped: list.skipped };
}

/** The same choice as a `select` for resolveCases, so the cases left out are never decoded. */
export function accuracySelection(limit?: number): (cases: Case[]) => Case[] {
  return (cases) => {
    const all = cases.filter((c) => c.kind !== 'long');
    return limit ? all.slice(0, limit) : all;
  };
}
