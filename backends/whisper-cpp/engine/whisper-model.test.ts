import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DIR, MANIFEST, PARITY_MODELS, type ManifestEntry } from '../../../fixtures/generate.ts';
import { loadAudio } from '../../../harness/audio/load-audio.ts';
import { defaultCpuLibrary } from './cpu-engine.ts';
import { loadWhisperLibrary } from './whisper-library.ts';
import { WhisperModel, type DecodeOptions } from './whisper-model.ts';

/**
 * Teacher forcing right after a transcription of the same audio reuses the window whisper_full
 * encoded instead of running the encoder again. That is only worth having if the logits are the
 * very ones a fresh encoding gives: checked bit for bit on the 17 original fixtures (tones, a
 * chord, a sweep, silence, noise, eight sentences; the eSpeak passages are more of the same
 * kind), against a second model that encodes each time.
 */
const decode: DecodeOptions = { threads: 2, language: 'en', noTimestamps: true };
const cases = readFileSync(MANIFEST, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as ManifestEntry)
  .filter((c) => c.kind !== 'long' && c.kind !== 'passage');

describe('teacher forcing after a transcription of the same audio', () => {
  let reusing: WhisperModel;
  let fresh: WhisperModel;
  beforeAll(() => {
    const lib = loadWhisperLibrary(defaultCpuLibrary()!);
    reusing = WhisperModel.load(lib, PARITY_MODELS.fp16);
    fresh = WhisperModel.load(lib, PARITY_MODELS.fp16);
  });
  afterAll(() => {
    reusing?.free();
    fresh?.free();
  });

  it('gives the logits a fresh encoding gives, bit for bit, without running the encoder again', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(17);
    for (const c of cases) {
      const { samples } = await loadAudio(join(FIXTURE_DIR, c.audio));
      const t = await reusing.transcribe(samples, decode);
      const before = reusing.forcedEncodes;
      const reused = await reusing.forcedLogits(samples, t.tokens, decode);
      expect(reusing.forcedEncodes, `${c.id}: the encoder ran again`).toBe(before);
      // the other model last saw other audio: it must encode this one itself
      const freshBefore = fresh.forcedEncodes;
      const encoded = await fresh.forcedLogits(samples, t.tokens, decode);
      expect(fresh.forcedEncodes).toBe(freshBefore + 1);
      expect(reused.length).toBe(encoded.length);
      reused.forEach((row, i) => expect(Buffer.from(row.buffer).equals(Buffer.from(encoded[i]!.buffer)), `${c.id}: step ${i} differs`).toBe(true));
    }
  });

  it('encodes again when the audio, or the thread count, differs from what was transcribed', async () => {
    const a = (await loadAudio(join(FIXTURE_DIR, 'audio/speech-01.wav'))).samples;
    const b = (await loadAudio(join(FIXTURE_DIR, 'audio/speech-02.wav'))).samples;
    const t = await reusing.transcribe(a, decode);
    const n = reusing.forcedEncodes;
    await reusing.forcedLogits(b, t.tokens, decode);
    expect(reusing.forcedEncodes).toBe(n + 1);
    await reusing.transcribe(a, decode);
    await reusing.forcedLogits(a, t.tokens, { ...decode, threads: 1 });
    expect(reusing.forcedEncodes).toBe(n + 2);
    // half a second (shorter than whisper_full's usual 1 s minimum): reused or not, the logits
    // are a fresh encoding's
    const short = a.subarray(0, 8000);
    const ts = await reusing.transcribe(short, decode);
    const mine = await reusing.forcedLogits(short, ts.tokens, decode);
    const theirs = await fresh.forcedLogits(short, ts.tokens, decode);
    expect(mine.map((r) => Buffer.from(r.buffer).toString('base64'))).toEqual(theirs.map((r) => Buffer.from(r.buffer).toString('base64')));
  });
});

describe('language identification', () => {
  it("after a transcription, without running the encoder again: whisper_lang_auto_detect's language and probabilities", async () => {
    const lib = loadWhisperLibrary(defaultCpuLibrary()!);
    const m = WhisperModel.load(lib, PARITY_MODELS.fp16);
    try {
      const { samples } = await loadAudio(join(FIXTURE_DIR, 'audio/speech-01.wav'));
      await m.transcribe(samples, decode);
      const n = m.forcedEncodes;
      const mine = await m.detectLanguage(samples, decode.threads);
      expect(m.forcedEncodes, 'the encoder ran again').toBe(n);
      // whisper.cpp's own, which encodes afresh
      const ctx = (m as unknown as { handle: unknown }).handle;
      expect(lib.fn.pcmToMel(ctx, samples, samples.length, decode.threads)).toBe(0);
      const probs = new Float32Array(lib.fn.langMaxId() + 1);
      const id = lib.fn.langAutoDetect(ctx, 0, decode.threads, probs);
      expect(id).toBeGreaterThanOrEqual(0);
      expect(Object.keys(mine.probabilities)).toHaveLength(probs.length);
      probs.forEach((p, i) => expect(mine.probabilities[String(lib.fn.langStr(i))], String(lib.fn.langStr(i))).toBeCloseTo(p, 5));
      // the fixture model gives every language one probability, so whisper.cpp's (unstable) sort may pick any of them: only a clear pick must agree
      if (probs[id]! - [...probs].sort((a, b) => b - a)[1]! > 1e-6) expect(mine.language).toBe(String(lib.fn.langStr(id)));
    } finally {
      m.free();
    }
  });
});
