import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../io/default-paths.ts';
import { chunkAudio } from './chunk-audio.ts';
import { WHISPER_RATE } from './decoded-audio.ts';
import { loadAudio } from './load-audio.ts';

const audio = await loadAudio(`${FIXTURE_DIR}/audio/passage-01.wav`);
// byte for byte: toEqual walks a Float32Array of half a million samples element by element, for seconds
const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('chunkAudio', () => {
  it('cuts real speech into consecutive chunks of the given length, the last shorter, losing and repeating nothing', () => {
    const seconds = 1.5;
    const size = seconds * WHISPER_RATE;
    const chunks = chunkAudio(audio, seconds);
    expect(chunks.length).toBe(Math.ceil(audio.samples.length / size));
    expect(chunks.slice(0, -1).every((c) => c.samples.length === size)).toBe(true);
    expect(chunks.at(-1)!.samples.length).toBeLessThanOrEqual(size);
    const joined = new Float32Array(audio.samples.length);
    let at = 0;
    for (const c of chunks) {
      joined.set(c.samples, at);
      at += c.samples.length;
      expect(c.duration).toBe(c.samples.length / WHISPER_RATE);
      expect(c.source).toBe(audio.source);
    }
    expect(at).toBe(audio.samples.length);
    expect(same(joined, audio.samples)).toBe(true);
  });

  it('gives one chunk when the audio is shorter than a chunk', () => {
    const chunks = chunkAudio(audio, audio.duration + 1);
    expect(chunks).toHaveLength(1);
    expect(same(chunks[0]!.samples, audio.samples)).toBe(true);
  });
});
