import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it, expect } from 'vitest';
import cpuFp16 from '../backends/cpu-fp16.ts';
import { loadAudio } from '../harness/audio/load-audio.ts';
import { encodeWav } from '../harness/audio/wav.ts';

/**
 * Long input, whole: two hours of audio through the decoder, the resampler and inference.
 * A long hunt (half a gigabyte of samples), so it runs in `npm run test:extended`, which CI runs
 * after `npm test`; the hostile inputs that fail fast stay in suites/hostile-input.test.ts.
 */
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-long-audio-'));

it('two hours of 8 kHz audio are resampled whole, and their last window reaches inference with its marker intact', async () => {
  // Not 16 kHz, so the resampler runs over all of it. Silence, but for two tone bursts near the
  // end: one opening the last 30 s window (the parity model says a word per second of tone, in
  // the first 20 s of a window), one in the very last second. Where the bursts come out, and
  // what the model says for the last window, are compared with the same bursts written directly
  // at 16 kHz, which no resampler touches.
  const RATE = 8000;
  const SECONDS = 7200;
  const AMP = 0.5;
  const bursts = [
    { hz: 440, from: SECONDS - 30, to: SECONDS - 27 },
    { hz: 1000, from: SECONDS - 1, to: SECONDS - 0.5 },
  ];
  const pcm = Buffer.alloc(SECONDS * RATE * 2);
  for (const b of bursts) {
    for (let i = Math.round(b.from * RATE); i < Math.round(b.to * RATE); i++) pcm.writeInt16LE(Math.round(AMP * 32767 * Math.sin((2 * Math.PI * b.hz * i) / RATE)), 2 * i);
  }
  const head = encodeWav(new Float32Array(0), RATE);
  head.writeUInt32LE(36 + pcm.length, 4);
  head.writeUInt32LE(pcm.length, 40);
  const f = join(tmp, 'two-hours-8k.wav');
  const fd = openSync(f, 'w');
  writeSync(fd, head);
  writeSync(fd, pcm);
  closeSync(fd);

  const a = await loadAudio(f);
  const R = 16000;
  expect(Math.abs(a.samples.length - SECONDS * R), `${a.samples.length} samples`).toBeLessThanOrEqual(1);
  expect(a.duration).toBeCloseTo(SECONDS, 3);
  // each burst where it was put, at its level; nothing anywhere else (20 ms margins for the filter's edges)
  const margin = 0.02 * R;
  const rms = (from: number, to: number) => {
    let e = 0;
    for (let i = from; i < to; i++) e += a.samples[i]! ** 2;
    return Math.sqrt(e / (to - from));
  };
  let quietFrom = 0;
  for (const b of bursts) {
    const [from, to] = [Math.round(b.from * R), Math.round(b.to * R)];
    expect(rms(from + margin, to - margin), `level of the ${b.hz} Hz burst at ${b.from} s`).toBeCloseTo(AMP / Math.SQRT2, 2);
    expect(peak(a.samples, quietFrom, from - margin), `before ${b.from} s`).toBeLessThan(1e-4);
    quietFrom = to + margin;
  }
  expect(peak(a.samples, quietFrom, a.samples.length), 'after the last burst').toBeLessThan(1e-4);

  // the last window through a real backend, against the same window made directly at 16 kHz
  const last = a.samples.slice(a.samples.length - 30 * R);
  const direct = new Float32Array(30 * R);
  for (const b of bursts) {
    for (let i = Math.round((b.from - (SECONDS - 30)) * R); i < Math.round((b.to - (SECONDS - 30)) * R); i++) direct[i] = AMP * Math.sin((2 * Math.PI * b.hz * i) / R);
  }
  const asAudio = (samples: Float32Array) => ({ samples, duration: samples.length / R, source: { path: f, format: 'wav/pcm16', sampleRate: R, channels: 1 } });
  const model = await cpuFp16.load();
  try {
    const [heard, expected, silence] = [await model.transcribe(asAudio(last)), await model.transcribe(asAudio(direct)), await model.transcribe(asAudio(new Float32Array(30 * R)))];
    expect(expected.text, 'the model says something else for a tone than for silence').not.toBe(silence.text);
    expect(heard.text).toBe(expected.text);
    expect(heard.tokens).toEqual(expected.tokens);
  } finally {
    model.dispose();
  }
});

/** Largest magnitude in samples[from, to). */
function peak(x: Float32Array, from: number, to: number): number {
  let m = 0;
  for (let i = Math.max(0, from); i < to; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

