import type { Config } from '../../config/load-config.ts';
import { differentialFuzz } from '../../fuzz/differential-fuzz.ts';
import { fuzzClips } from '../../fuzz/fuzz-clips.ts';
import { loadOneFromFlags } from '../../run/plan-from-flags.ts';
import { getNormalizer } from '../../score/normalizers.ts';
import { EXIT } from '../exit-codes.ts';
import { print, progress, progressDone } from '../terminal.ts';

export interface FuzzFlags {
  backend: string;
  baseline?: string;
  model?: string;
  baselineModel?: string;
  runs: number;
  seed: number;
  timeLimit?: number;
  outputDir: string;
  normalize?: Config['normalizer'];
}

/** `asr-parity fuzz`: differential fuzzing of a device against the baseline (harness/fuzz/); exit 1 with the shrunk case saved when they disagree. */
export async function run(o: FuzzFlags, config: Config): Promise<void> {
  const clips = await fuzzClips(config.fixtures);
  const baseName: string = o.baseline ?? config.baseline.name;
  const base = await loadOneFromFlags(config, baseName, { model: o.baselineModel });
  try {
    const dev = await loadOneFromFlags(config, o.backend, { model: o.model });
    try {
      const r = await differentialFuzz({ baseline: base, device: dev, clips, runs: o.runs, seed: o.seed, normalize: getNormalizer(o.normalize ?? config.normalizer), timeLimitMs: (o.timeLimit ?? 0) * 1000, outDir: o.outputDir, label: o.backend, progress });
      progressDone();
      if (r.passed) print(`${o.backend} agrees with ${baseName} on ${r.runsDone} variants (seed ${r.seed})`);
      else {
        const x = r.counterexample!;
        print(`DISAGREEMENT after shrinking (${r.shrinks} steps), clip ${x.clip}, variant ${JSON.stringify(x.variant)}\n  baseline: ${x.baselineText}\n  device:   ${x.deviceText}\n  saved: ${x.wav} and ${x.json}`);
        process.exitCode = EXIT.failed;
      }
    } finally {
      dev.dispose();
    }
  } finally {
    base.dispose();
  }
}
