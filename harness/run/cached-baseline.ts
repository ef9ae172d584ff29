import type { Audio16k } from '../audio/decoded-audio.ts';
import type { BackendOptions, LoadedBackend } from '../../backends/types.ts';
import type { BaselineCacheUse } from '../report/report-types.ts';
import { audioSha256, baselineIdentity, BaselineCacheStore, type CacheEntry, type CacheProblem } from './baseline-cache.ts';

/**
 * The loaded baseline behind its cache: transcribe() and forcedLogits() answer from disk when
 * an entry with the same key exists and compute (then store) otherwise. Everything downstream
 * (transcribeCases, token parity, the report) uses it like any loaded backend; `use` counts
 * what came from where, for the report.
 */
export async function withBaselineCache(
  loaded: LoadedBackend,
  backend: string,
  options: BackendOptions,
  o: { dir: string; run: string; onProblem?: (p: CacheProblem) => void },
): Promise<{ loaded: LoadedBackend; use: BaselineCacheUse }> {
  const store = new BaselineCacheStore(o.dir, await baselineIdentity(backend, loaded, options), o.onProblem);
  const use: BaselineCacheUse = { dir: o.dir, run: o.run, transcripts: { lookups: 0, hits: 0 }, logits: { lookups: 0, hits: 0 }, fromRuns: [], problems: [] };
  const entries = new Map<string, CacheEntry>();
  const hit = (e: CacheEntry) => {
    if (!use.fromRuns.includes(e.run)) use.fromRuns.push(e.run);
  };
  const noteProblems = () => {
    use.problems = store.problems.map((p) => `${p.file}: ${p.problem}`);
  };

  const transcribe = async (audio: Audio16k) => {
    const key = audioSha256(audio.samples);
    use.transcripts.lookups++;
    const cached = store.get(key);
    noteProblems();
    if (cached) {
      use.transcripts.hits++;
      hit(cached);
      entries.set(key, cached);
      return { ...cached.transcript, timings: { ...cached.transcript.timings } };
    }
    const r = await loaded.transcribe(audio);
    entries.set(key, store.put(key, o.run, r));
    noteProblems();
    return r;
  };

  const inner = loaded.forcedLogits?.bind(loaded);
  const forcedLogits = inner
    ? async (audio: Audio16k, tokens: number[]) => {
        const key = audioSha256(audio.samples);
        const entry = entries.get(key) ?? store.get(key);
        // only the baseline's own tokens are stored: those are what every device is forced with
        const own = entry?.transcript.tokens && entry.transcript.tokens.length === tokens.length && entry.transcript.tokens.every((t, i) => t === tokens[i]);
        if (!entry || !own) return inner(audio, tokens);
        use.logits.lookups++;
        const cached = store.logits(entry, tokens);
        noteProblems();
        if (cached) {
          use.logits.hits++;
          hit(entry);
          return cached;
        }
        const values = await inner(audio, tokens);
        entries.set(key, store.put(key, entry.run, entry.transcript, { tokens, values }));
        noteProblems();
        return values;
      }
    : undefined;

  return {
    loaded: {
      loadMs: loaded.loadMs,
      transcribe,
      forcedLogits,
      // localization's tensors are never cached: asked for once per located case
      tensors: loaded.tensors?.bind(loaded),
      transcribeBatch: loaded.transcribeBatch?.bind(loaded),
      // language identification is asked once per case on each side: nothing to gain from a cache
      detectLanguage: loaded.detectLanguage?.bind(loaded),
      attestation: loaded.attestation?.bind(loaded),
      describe: () => loaded.describe(),
      memory: loaded.memory?.bind(loaded),
      // a restart under the cache (harness/load/restartable-backend.ts) keeps the cache and its figures
      ended: loaded.ended?.bind(loaded),
      restart: loaded.restart?.bind(loaded),
      dispose: () => loaded.dispose(),
    },
    use,
  };
}
