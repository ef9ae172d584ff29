import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../fixtures/generate.ts';
import { decodeCount, loadAudioOnce, setDecodedAudioMemoryBudget } from './decoded-once.ts';
import { loadAudio } from './load-audio.ts';
import { encodeWav } from './wav.ts';

const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-decoded-once-'));
const copy = (name: string, fixture: string) => {
  const f = join(tmp, name);
  copyFileSync(join(FIXTURE_DIR, 'audio', fixture), f);
  return f;
};

describe('each file is decoded once per process', () => {
  it('a second read of a file gives the same samples without decoding it again', async () => {
    const f = copy('a.wav', 'speech-01.wav');
    const before = decodeCount();
    const [x, y] = [await loadAudioOnce(f), await loadAudioOnce(f)];
    expect(decodeCount() - before).toBe(1);
    expect(y.samples).toEqual((await loadAudio(f)).samples);
    expect(y.source).toEqual(x.source);
    // each caller gets its own samples: changing one read changes no other
    x.samples.fill(0);
    expect((await loadAudioOnce(f)).samples).toEqual(y.samples);
  });

  it('a file rewritten in place is decoded again, and what it now holds is what is read', async () => {
    const f = join(tmp, 'rewritten.wav');
    writeFileSync(f, encodeWav(new Float32Array(1600).fill(0.25), 16000));
    const first = await loadAudioOnce(f);
    writeFileSync(f, encodeWav(new Float32Array(3200).fill(-0.5), 16000));
    const before = decodeCount();
    const second = await loadAudioOnce(f);
    expect(decodeCount() - before).toBe(1);
    expect(second.samples.length).toBe(2 * first.samples.length);
    expect(second.samples).toEqual((await loadAudio(f)).samples);
  });

  it('past the memory budget, samples come back from disk exactly as decoded, still without decoding again', async () => {
    setDecodedAudioMemoryBudget(0);
    try {
      const f = copy('spilled.wav', 'speech-02.wav');
      const first = await loadAudioOnce(f);
      const before = decodeCount();
      const again = await loadAudioOnce(f);
      expect(decodeCount()).toBe(before);
      expect(again.samples).toEqual(first.samples);
      expect(again.duration).toBe(first.duration);
    } finally {
      setDecodedAudioMemoryBudget(256 * 2 ** 20);
    }
  });

  it('past the budget, a file rewritten in place is stored apart from every other file', async () => {
    setDecodedAudioMemoryBudget(0);
    try {
      const [f1, f2] = [join(tmp, 'spill-1.wav'), join(tmp, 'spill-2.wav')];
      writeFileSync(f1, encodeWav(new Float32Array(1600).fill(0.25), 16000));
      writeFileSync(f2, encodeWav(new Float32Array(1600).fill(-0.25), 16000));
      await loadAudioOnce(f1);
      await loadAudioOnce(f2);
      writeFileSync(f1, encodeWav(new Float32Array(3200).fill(0.5), 16000));
      await loadAudioOnce(f1);
      expect((await loadAudioOnce(f2)).samples).toEqual((await loadAudio(f2)).samples);
      expect((await loadAudioOnce(f1)).samples).toEqual((await loadAudio(f1)).samples);
    } finally {
      setDecodedAudioMemoryBudget(256 * 2 ** 20);
    }
  });

  it("a file that does not decode fails each time with loadAudio's error", async () => {
    const f = join(tmp, 'empty.wav');
    writeFileSync(f, '');
    await expect(loadAudioOnce(f)).rejects.toThrow(/empty file/);
    await expect(loadAudioOnce(f)).rejects.toThrow(/empty file/);
  });
});
