import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import cpuFp16 from '../backends/cpu-fp16.ts';
import cpuFp32 from '../backends/cpu-fp32.ts';
import { FIXTURE_DIR } from '../fixtures/generate.ts';
import { loadAudio } from '../harness/audio/load-audio.ts';

/**
 * Long runs must not grow. The bounds: the f16 test model is 17 MB and one context holds
 * about 30 MB of buffers, so a leak of one context per cycle would add >1 GB over 50 cycles,
 * and a leaked mel or logit buffer per call (~1 MB) 20 MB over 20 calls (measured growth: under 6 MB); glibc's arenas and
 * V8's heap wander by a few MB. 24 MB of growth separates the two for load cycles; 16 MB for calls. whisper_get_timings
 * leaks 20 bytes per call by design of its C API (see whisper-model.ts): 1 KB here.
 */
const MB = 2 ** 20;
const fds = () => readdirSync('/proc/self/fd').length;
const rss = () => process.memoryUsage().rss;
const speech = await loadAudio(join(FIXTURE_DIR, 'audio/speech-01.wav'));

describe('resources over long runs', () => {
  it('50 load/free cycles (after 40 to warm up) keep RSS flat and leak no file descriptors', async () => {
    // glibc keeps freed arenas for reuse: RSS climbs over the first few dozen cycles, then
    // stays (measured: +70 MB by cycle 30, +86 MB at 60 and at 120). Growth is counted after that.
    for (let i = 0; i < 40; i++) (await cpuFp16.load()).dispose();
    const [r0, f0] = [rss(), fds()];
    for (let i = 0; i < 50; i++) (await cpuFp16.load()).dispose();
    const growth = rss() - r0;
    console.log(`load/free x50: RSS ${(growth / MB).toFixed(1)} MB, fds ${f0} -> ${fds()}`);
    expect(growth).toBeLessThan(24 * MB);
    expect(fds()).toBe(f0);
  });

  it('20 consecutive transcriptions on one context keep RSS flat', async () => {
    const b = await cpuFp16.load();
    try {
      await b.transcribe(speech);
      await b.transcribe(speech);
      const [r0, f0] = [rss(), fds()];
      for (let i = 0; i < 20; i++) await b.transcribe(speech);
      const growth = rss() - r0;
      console.log(`transcribe x20: RSS ${(growth / MB).toFixed(1)} MB`);
      expect(growth).toBeLessThan(16 * MB);
      expect(fds()).toBe(f0);
    } finally {
      b.dispose();
    }
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
