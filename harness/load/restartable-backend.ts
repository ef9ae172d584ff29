import type { Attestation, LoadedBackend } from '../../backends/types.ts';
import { InferenceError } from '../errors.ts';

/**
 * A loaded backend that can be loaded again after its process ended (a crash, a hang killed
 * past the call timeout, a protocol break), at most `maxRestarts` times in a run: every call goes
 * to the instance loaded last, so a wrapper above it (the baseline cache) keeps working across
 * a restart. A backend in this process has no `ended()`, and is never restarted.
 */
export async function loadRestartable(name: string, load: () => Promise<LoadedBackend>, maxRestarts: number): Promise<LoadedBackend> {
  const first = await load();
  let current = first;
  let restarts = 0;
  // what an ended process attested (a fallback it printed) still describes the run
  const earlier: Attestation[] = [];
  return {
    loadMs: first.loadMs,
    timedInside: first.timedInside,
    capabilities: first.capabilities,
    transcribe: (audio) => current.transcribe(audio),
    transcribeBatch: first.transcribeBatch && ((audios) => current.transcribeBatch!(audios)),
    forcedLogits: first.forcedLogits && ((audio, tokens) => current.forcedLogits!(audio, tokens)),
    attestation: first.attestation && (() => [...new Map([...earlier, ...current.attestation!()].map((a) => [a.message, a])).values()]),
    tensors: first.tensors && ((audio, tokens, request) => current.tensors!(audio, tokens, request)),
    detectLanguage: first.detectLanguage && ((audio) => current.detectLanguage!(audio)),
    memory: first.memory && (() => current.memory!()),
    // a restart is part of what produced the results: the report says how many
    describe: () => ({ ...current.describe(), ...(restarts ? { restarts } : {}) }),
    ended: first.ended && (() => current.ended?.()),
    async restart() {
      if (restarts >= maxRestarts) throw new InferenceError(name, `its process ended and it was already started again ${restarts} time(s), the run's limit`, 'raise "maxRestarts" in the config, or fix what ends the process');
      earlier.push(...(current.attestation?.() ?? []));
      current.dispose();
      restarts++;
      current = await load();
    },
    dispose: () => current.dispose(),
  };
}
