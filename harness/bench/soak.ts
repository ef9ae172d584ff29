import { readdirSync } from 'node:fs';
import type { Backend, BackendOptions } from '../../backends/types.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';

export interface SoakResult {
  what: string;
  iterations: number;
  warmup: number;
  rssStartBytes: number;
  rssEndBytes: number;
  rssGrowthBytes: number;
  /** RSS after each tenth of the iterations: a leak climbs, an allocator plateau does not. */
  rssTrailBytes: number[];
  fdsStart: number;
  fdsEnd: number;
}

const fds = () => readdirSync('/proc/self/fd').length;
const rss = () => process.memoryUsage().rss;

async function soak(what: string, iterations: number, warmup: number, step: () => Promise<void>, progress?: (msg: string) => void): Promise<SoakResult> {
  for (let i = 0; i < warmup; i++) await step();
  const [r0, f0] = [rss(), fds()];
  const trail: number[] = [];
  const every = Math.max(1, Math.floor(iterations / 10));
  for (let i = 1; i <= iterations; i++) {
    await step();
    if (i % every === 0) {
      trail.push(rss());
      progress?.(`${what}: ${i}/${iterations}, RSS +${((rss() - r0) / 2 ** 20).toFixed(1)} MB`);
    }
  }
  const r1 = rss();
  return { what, iterations, warmup, rssStartBytes: r0, rssEndBytes: r1, rssGrowthBytes: r1 - r0, rssTrailBytes: trail, fdsStart: f0, fdsEnd: fds() };
}

/**
 * Consecutive transcriptions on one context. Warm-up calls come first: glibc keeps freed
 * arenas for reuse, so RSS climbs over the first calls and cycles and then stays.
 */
export async function soakTranscriptions(backend: Backend, opts: BackendOptions, audio: Audio16k, runs: number, warmup: number, progress?: (msg: string) => void): Promise<SoakResult> {
  const b = await backend.load(opts);
  try {
    return await soak(`${backend.name} transcriptions`, runs, warmup, async () => void (await b.transcribe(audio)), progress);
  } finally {
    b.dispose();
  }
}

/** Load and free the model again and again (measured: RSS plateaus after about 40 cycles). */
export function soakLoadCycles(backend: Backend, opts: BackendOptions, cycles: number, warmup: number, progress?: (msg: string) => void): Promise<SoakResult> {
  return soak(`${backend.name} load/free cycles`, cycles, warmup, async () => (await backend.load(opts)).dispose(), progress);
}
