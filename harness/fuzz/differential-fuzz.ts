import { join } from 'node:path';
import fc from 'fast-check';
import type { LoadedBackend } from '../../backends/types.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import { encodeWav } from '../audio/wav.ts';
import { writeFileAtomic } from '../report/write-atomic.ts';
import { scoreUtterance } from '../score/error-rate.ts';
import { applyVariant, audioVariantArbitrary, type AudioVariant } from './audio-variant.ts';

export interface FuzzOptions {
  baseline: LoadedBackend;
  device: LoadedBackend;
  /** Clips the variants start from (speech, ideally). */
  clips: { id: string; audio: Audio16k }[];
  runs: number;
  seed: number;
  normalize: (s: string) => string;
  /** Stop looking (not shrinking) after this long; 0 for no limit. */
  timeLimitMs: number;
  /** Where a counterexample is saved: a WAV and a JSON case. */
  outDir: string;
  label: string;
  progress?: (msg: string) => void;
}

export interface FuzzCounterexample {
  variant: AudioVariant;
  clip: string;
  baselineText: string;
  deviceText: string;
  wer: number;
  wav: string;
  json: string;
}

export interface FuzzResult {
  seed: number;
  runsPlanned: number;
  runsDone: number;
  shrinks: number;
  passed: boolean;
  counterexample: FuzzCounterexample | null;
}

/**
 * Differential fuzzing: fast-check generates variants of real clips (gain, noise, padding,
 * resampling, clipping, a tone) and the property is that the device transcribes each exactly
 * as the baseline does. fast-check shrinks a disagreement to the simplest variant that still
 * shows it; that one is saved, to be replayed as an ordinary case.
 */
export async function differentialFuzz(o: FuzzOptions): Promise<FuzzResult> {
  let tried = 0;
  const transcribePair = async (v: AudioVariant) => {
    const clip = o.clips[v.source]!;
    const audio = applyVariant(clip.audio, v);
    const [b, d] = [await o.baseline.transcribe(audio), await o.device.transcribe(audio)];
    return { audio, clip, b: o.normalize(b.text), d: o.normalize(d.text), raw: [b.text, d.text] as const };
  };
  // a backend that throws is a failure of its own kind, not a disagreement to shrink
  const thrown = new Set<unknown>();
  const property = fc.asyncProperty(audioVariantArbitrary(o.clips.length), async (v) => {
    // past the planned runs fast-check is shrinking a counterexample: no count to give an ETA for
    ++tried;
    o.progress?.(tried <= o.runs ? `${o.label}: fuzz case ${tried}/${o.runs}` : `${o.label}: shrinking a disagreement (try ${tried - o.runs})`);
    try {
      const r = await transcribePair(v);
      return r.b === r.d;
    } catch (e) {
      thrown.add(e);
      throw e;
    }
  });
  const details = await fc.check(property, {
    numRuns: o.runs,
    seed: o.seed,
    ...(o.timeLimitMs > 0 ? { interruptAfterTimeLimit: o.timeLimitMs } : {}),
  });
  if (!details.failed || !details.counterexample) {
    return { seed: o.seed, runsPlanned: o.runs, runsDone: details.numRuns, shrinks: 0, passed: true, counterexample: null };
  }
  if (thrown.has(details.errorInstance)) throw details.errorInstance;
  const [variant] = details.counterexample;
  const r = await transcribePair(variant);
  const stem = join(o.outDir, `${o.label}-seed${o.seed}`);
  const wav = `${stem}.wav`;
  const json = `${stem}.json`;
  const counterexample: FuzzCounterexample = { variant, clip: r.clip.id, baselineText: r.raw[0], deviceText: r.raw[1], wer: scoreUtterance('x', r.b, r.d).wer, wav, json };
  writeFileAtomic(wav, encodeWav(r.audio.samples, 16000));
  writeFileAtomic(json, `${JSON.stringify({ id: `${o.label}-seed${o.seed}`, audio: wav, text: r.raw[0], kind: 'fuzz', source: r.clip.audio.source.path, seed: o.seed, counterexample }, null, 2)}\n`);
  return { seed: o.seed, runsPlanned: o.runs, runsDone: details.numRuns, shrinks: details.numShrinks, passed: false, counterexample };
}
