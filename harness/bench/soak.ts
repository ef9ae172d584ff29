import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import koffi from 'koffi';
import type { Backend, BackendOptions } from '../../backends/types.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';

export interface SoakResult {
  what: string;
  iterations: number;
  warmup: number;
  rssStartBytes: number;
  rssEndBytes: number;
  rssGrowthBytes: number;
  /**
   * Least-squares slope of RSS over the last half of the iterations, in bytes per iteration:
   * a leak climbs at its own rate in every half, while the allocators' settling is over by then
   * and one odd sample barely moves a fitted line.
   */
  rssSlopeBytesPerIteration: number;
  /** RSS after each tenth of the iterations: a leak climbs, an allocator plateau does not. */
  rssTrailBytes: number[];
  fdsStart: number;
  fdsEnd: number;
}

const fds = () => readdirSync('/proc/self/fd').length;

/** A full V8 collection, whether or not node runs with --expose-gc. */
const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** glibc's malloc_trim: hands free heap pages back to the kernel. Absent elsewhere (musl), where RSS is read as it is. */
const mallocTrim: ((pad: number) => number) | undefined = (() => {
  try {
    return koffi.load('libc.so.6').func('int malloc_trim(size_t)') as (pad: number) => number;
  } catch {
    return undefined;
  }
})();

/**
 * RSS of what is live. Read raw, RSS also holds garbage whose release depends on timing: V8's
 * young generation grows and shrinks in 16 MB semi-spaces as its collector sees fit, and glibc
 * keeps freed chunks (a freed 16 MB weight buffer, say) until something asks for them or the
 * heap top is trimmed. Measured: 90 load/free cycles of the f16 test model read raw swing by
 * 0 to 45 MB from sample to sample, more when other processes load the machine and collections
 * come at other moments; after a full GC and malloc_trim(0) they stay within ~2 MB.
 */
function settledRss(): number {
  collectGarbage();
  mallocTrim?.(0);
  return process.memoryUsage().rss;
}

/** Least-squares slope of ys over 0, 1, 2, ... */
function slope(ys: number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, y) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  ys.forEach((y, x) => {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

async function soak(what: string, iterations: number, warmup: number, step: () => Promise<void>, progress?: (msg: string) => void): Promise<SoakResult> {
  // warm-up steps show too: 40 load cycles of a 1.5 GB model in silence look like a hang
  for (let i = 0; i < warmup; i++) {
    progress?.(`${what}: warm-up ${i + 1}/${warmup}`);
    await step();
  }
  const [r0, f0] = [settledRss(), fds()];
  const samples: number[] = [];
  const trail: number[] = [];
  const every = Math.max(1, Math.floor(iterations / 10));
  for (let i = 1; i <= iterations; i++) {
    progress?.(`${what}: ${i}/${iterations}${samples.length ? `, RSS +${((samples.at(-1)! - r0) / 2 ** 20).toFixed(1)} MB` : ''}`);
    await step();
    samples.push(settledRss());
    if (i % every === 0) trail.push(samples.at(-1)!);
  }
  const r1 = samples.at(-1) ?? r0;
  return {
    what,
    iterations,
    warmup,
    rssStartBytes: r0,
    rssEndBytes: r1,
    rssGrowthBytes: r1 - r0,
    rssSlopeBytesPerIteration: slope(samples.slice(Math.floor(samples.length / 2))),
    rssTrailBytes: trail,
    fdsStart: f0,
    fdsEnd: fds(),
  };
}

/**
 * Consecutive transcriptions on one context. Warm-up calls come first: glibc keeps freed
 * arenas for reuse, so RSS climbs over the first calls and cycles and then stays.
 */
export async function soakTranscriptions(backend: Backend, opts: BackendOptions, audio: Audio16k, runs: number, warmup: number, progress?: (msg: string) => void): Promise<SoakResult> {
  progress?.(`${backend.name}: loading the model`);
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
