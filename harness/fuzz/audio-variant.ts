import fc from 'fast-check';
import { seededRandom } from '../io/seeded-random.ts';
import { WHISPER_RATE, type Audio16k } from '../audio/decoded-audio.ts';
import { resample } from '../audio/resample.ts';

/**
 * One fuzz input: a source clip and the transformations applied to it. Every field shrinks
 * toward "leave the clip alone", so a shrunk counterexample names only what it needs.
 */
export interface AudioVariant {
  source: number;
  gainDb: number;
  /** Signal-to-noise ratio of added white noise, null for none. */
  noiseSnrDb: number | null;
  padBeforeMs: number;
  padAfterMs: number;
  /** Round trip through this sample rate (lossy below 16 kHz), null for none. */
  resampleHz: number | null;
  /** Hard clipping at this fraction of full scale, null for none. */
  clipAt: number | null;
  /** A tone mixed in: frequency and level relative to the clip's peak. */
  tone: { hz: number; level: number } | null;
}

export function audioVariantArbitrary(sources: number): fc.Arbitrary<AudioVariant> {
  return fc.record({
    source: fc.nat({ max: sources - 1 }),
    gainDb: fc.integer({ min: -24, max: 12 }),
    noiseSnrDb: fc.option(fc.integer({ min: 0, max: 40 }).map((x) => 40 - x), { nil: null }),
    padBeforeMs: fc.nat({ max: 3000 }).map((x) => x - (x % 250)),
    padAfterMs: fc.nat({ max: 3000 }).map((x) => x - (x % 250)),
    resampleHz: fc.option(fc.constantFrom(8000, 11025, 22050, 44100), { nil: null }),
    clipAt: fc.option(fc.integer({ min: 0, max: 90 }).map((x) => 1 - x / 100), { nil: null }),
    tone: fc.option(fc.record({ hz: fc.integer({ min: 50, max: 7000 }), level: fc.integer({ min: 1, max: 100 }).map((x) => x / 100) }), { nil: null }),
  });
}

/** Applies a variant to a clip, deterministically (the noise is seeded by the variant itself). */
export function applyVariant(clip: Audio16k, v: AudioVariant): Audio16k {
  let x: Float32Array = Float32Array.from(clip.samples);
  const g = 10 ** (v.gainDb / 20);
  for (let i = 0; i < x.length; i++) x[i]! *= g;
  let peak = 0;
  let power = 0;
  for (const s of x) {
    peak = Math.max(peak, Math.abs(s));
    power += s * s;
  }
  power /= Math.max(1, x.length);
  if (v.tone) {
    const a = v.tone.level * (peak || 0.1);
    for (let i = 0; i < x.length; i++) x[i]! += a * Math.sin((2 * Math.PI * v.tone.hz * i) / WHISPER_RATE);
  }
  if (v.noiseSnrDb !== null) {
    const rand = seededRandom(v.noiseSnrDb * 7919 + v.source);
    const sigma = Math.sqrt(power / 10 ** (v.noiseSnrDb / 10)) * Math.sqrt(3);
    for (let i = 0; i < x.length; i++) x[i]! += sigma * (2 * rand() - 1);
  }
  if (v.resampleHz !== null) x = resample(resample(x, WHISPER_RATE, v.resampleHz), v.resampleHz, WHISPER_RATE);
  if (v.clipAt !== null) {
    const c = v.clipAt;
    for (let i = 0; i < x.length; i++) x[i] = Math.max(-c, Math.min(c, x[i]!));
  }
  for (let i = 0; i < x.length; i++) x[i] = Math.max(-1, Math.min(1, x[i]!));
  const before = Math.round((v.padBeforeMs / 1000) * WHISPER_RATE);
  const after = Math.round((v.padAfterMs / 1000) * WHISPER_RATE);
  const out = new Float32Array(before + x.length + after);
  out.set(x, before);
  return { samples: out, duration: out.length / WHISPER_RATE, source: clip.source };
}
