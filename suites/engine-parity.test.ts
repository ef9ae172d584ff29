import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultThreads } from '../backends/whisper-cpp/whisper-cpp.ts';
import { FIXTURE_DIR, MANIFEST, PARITY_MODELS, type ManifestEntry } from '../fixtures/generate.ts';
import { loadAudio } from '../harness/audio/load-audio.ts';
import { cpuEngine } from '../backends/whisper-cpp/engine/cpu-engine.ts';
import { bundledLibraryPath, loadWhisperLibrary } from '../backends/whisper-cpp/engine/whisper-library.ts';
import { WhisperModel, type DecodeOptions } from '../backends/whisper-cpp/engine/whisper-model.ts';
import { skipped } from './helpers/visible-skip.ts';

/**
 * The SIMD build (made at install from whisper.rn's whisper.cpp 1.9.3) is the CPU backends'
 * default only if it says what the prebuilt 1.9.3-dev says: the same token ids, on every
 * non-long fixture with the f32 model (the baseline's precision) and on the speech with the f16
 * model (the prebuilt takes about 1 s a call here: the signals add time, not coverage, twice).
 */
const engine = cpuEngine();
const cases = readFileSync(MANIFEST, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as ManifestEntry)
  // the original set: the passages add evidence to the accuracy gate, not build coverage here
  .filter((c) => c.kind !== 'long' && c.kind !== 'passage');
const decode: DecodeOptions = { threads: defaultThreads(), language: 'en', noTimestamps: true };

describe('the SIMD engine transcribes as the prebuilt does', () => {
  if (engine.build !== 'simd') {
    skipped('the SIMD engine against the prebuilt', `no SIMD build here (${engine.facts.engineNote})`);
    return;
  }

  it('compares two different builds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(17);
    const simd = loadWhisperLibrary(engine.library!);
    const prebuilt = loadWhisperLibrary(bundledLibraryPath()!);
    expect([simd.version, prebuilt.version]).toEqual(['1.9.3', '1.9.3-dev']);
    expect(simd.systemInfo).toMatch(/AVX2 = 1/);
    expect(prebuilt.systemInfo).not.toMatch(/AVX/);
  });

  for (const [precision, model, subset] of [['f32', PARITY_MODELS.fp32, cases], ['f16', PARITY_MODELS.fp16, cases.filter((c) => c.kind === 'speech')]] as const) {
    describe(`${precision} model`, () => {
      let simd: WhisperModel;
      let prebuilt: WhisperModel;
      beforeAll(() => {
        simd = WhisperModel.load(loadWhisperLibrary(engine.library!), model);
        prebuilt = WhisperModel.load(loadWhisperLibrary(bundledLibraryPath()!), model);
      });
      afterAll(() => {
        simd?.free();
        prebuilt?.free();
      });

      it.each(subset.map((c) => [c.id, c] as const))('%s: same tokens', async (_id, c) => {
        const audio = await loadAudio(join(FIXTURE_DIR, c.audio));
        const fast = await simd.transcribe(audio.samples, decode);
        const reference = await prebuilt.transcribe(audio.samples, decode);
        expect(reference.tokens.length).toBeGreaterThan(0);
        expect(fast.tokens, `SIMD "${fast.text}" vs prebuilt "${reference.text}"`).toEqual(reference.tokens);
        expect(fast.text).toBe(reference.text);
      });
    });
  }
});
