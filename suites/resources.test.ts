import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import cpuFp16 from '../backends/cpu-fp16.ts';
import cpuFp32 from '../backends/cpu-fp32.ts';
import { FIXTURE_DIR } from '../fixtures/generate.ts';
import { loadAudio } from '../harness/audio/load-audio.ts';
import { soakLoadCycles, soakTranscriptions } from '../harness/bench/soak.ts';

/**
 * Long runs must not grow. The bounds: the f16 test model is 17 MB and one context holds
 * about 30 MB of buffers, so a leak of one context per cycle would add >1 GB over 50 cycles,
 * and a leaked mel or logit buffer per call (~1 MB) 20 MB over 20 calls; measured growth is
 * under 7 MB for both once glibc's arenas have settled (40 warm-up cycles, 2 warm-up calls).
 * whisper_get_timings leaks 20 bytes per call by design of its C API (see whisper-model.ts).
 * `asr-parity soak` runs the long version (500 calls, 50 cycles).
 */
const MB = 2 ** 20;
const speech = await loadAudio(join(FIXTURE_DIR, 'audio/speech-01.wav'));

describe('resources over long runs', () => {
  it('50 load/free cycles keep RSS flat and leak no file descriptors', async () => {
    const r = await soakLoadCycles(cpuFp16, {}, 50, 40);
    console.log(`load/free x50: RSS ${(r.rssGrowthBytes / MB).toFixed(1)} MB, fds ${r.fdsStart} -> ${r.fdsEnd}`);
    expect(r.rssGrowthBytes).toBeLessThan(24 * MB);
    expect(r.fdsEnd).toBe(r.fdsStart);
  });

  it('20 consecutive transcriptions on one context keep RSS flat', async () => {
    const r = await soakTranscriptions(cpuFp16, {}, speech, 20, 2);
    console.log(`transcribe x20: RSS ${(r.rssGrowthBytes / MB).toFixed(1)} MB`);
    expect(r.rssGrowthBytes).toBeLessThan(16 * MB);
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
