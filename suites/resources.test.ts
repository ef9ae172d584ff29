import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import cpuFp16 from '../backends/cpu-fp16.ts';
import cpuFp32 from '../backends/cpu-fp32.ts';
import { FIXTURE_DIR } from '../fixtures/generate.ts';
import { loadAudio } from '../harness/audio/load-audio.ts';
import { soakLoadCycles, soakTranscriptions, type SoakResult } from '../harness/bench/soak.ts';

/**
 * Long runs must not grow. RSS is read after a full GC and malloc_trim(0) (see soak.ts), once
 * per iteration, and the figure asserted is the least-squares slope over the last half of the
 * iterations, in MB per iteration.
 *
 * Why not end minus start: read raw, RSS swings from sample to sample by whole 16 MB steps
 * (V8's young-generation semi-spaces, glibc keeping a freed 16 MB weight buffer), by up to 45 MB
 * over 90 load/free cycles measured here; when parallel test files load the machine the
 * collections come at other moments, and one run on a fresh clone read 37.9 MB against the old
 * 24 MB bound. That was timing, not a leak: with the garbage collected and the free pages
 * trimmed before each sample, the same cycles stay within ~2 MB, and their slope is ~0.05
 * MB/cycle whether the machine is idle or has both cores busy.
 *
 * Why these bounds: the f16 test model is 17 MB and a context holds ~30 MB of buffers, so a
 * leak of one context per cycle climbs >= 16 MB/cycle against a bound of 1; a leaked mel or
 * logit buffer per call (>= 1 MB, written, so resident) climbs >= 1 MB/call against 0.5.
 * whisper_get_timings leaks 20 bytes per call by design of its C API (see whisper-model.ts).
 * With 10 warm-up cycles RSS has settled (measured: flat from the tenth cycle on), so the slope
 * over the last 15 of 30 cycles tells a leak (>= 16 MB/cycle) from noise (~0.02 MB/cycle)
 * as well as 50 did. `asr-parity soak` runs the long version (500 calls, 50 cycles).
 */
const MB = 2 ** 20;
const speech = await loadAudio(join(FIXTURE_DIR, 'audio/speech-01.wav'));
const show = (r: SoakResult) =>
  `${r.what}: slope ${(r.rssSlopeBytesPerIteration / MB).toFixed(3)} MB/iteration, RSS ${(r.rssGrowthBytes / MB).toFixed(1)} MB over ${r.iterations} (trail ${r.rssTrailBytes.map((x) => ((x - r.rssStartBytes) / MB).toFixed(1)).join(' ')}), fds ${r.fdsStart} -> ${r.fdsEnd}`;

describe('resources over long runs', () => {
  it('30 load/free cycles keep RSS flat and leak no file descriptors', async () => {
    const r = await soakLoadCycles(cpuFp16, {}, 30, 10);
    console.log(show(r));
    expect(r.rssSlopeBytesPerIteration, show(r)).toBeLessThan(1 * MB);
    expect(r.fdsEnd).toBe(r.fdsStart);
  });

  it('20 consecutive transcriptions on one context keep RSS flat', async () => {
    const r = await soakTranscriptions(cpuFp16, {}, speech, 20, 2);
    console.log(show(r));
    expect(r.rssSlopeBytesPerIteration, show(r)).toBeLessThan(0.5 * MB);
    expect(r.fdsEnd).toBe(r.fdsStart);
  });

  it('two backends live in one process, interleaved, each giving its own answer', async () => {
    const [a, b] = [await cpuFp32.load(), await cpuFp16.load()];
    try {
      const alone = [(await a.transcribe(speech)).tokens, (await b.transcribe(speech)).tokens];
      const together = await Promise.all([a.transcribe(speech), b.transcribe(speech), a.transcribe(speech)]);
      expect(together.map((t) => t.tokens)).toEqual([alone[0], alone[1], alone[0]]);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
