import { defaultThreads } from '../../../backends/whisper-cpp/whisper-cpp.ts';
import { readManifest } from '../../audio/manifest.ts';
import { engineBench } from '../../bench/engine-bench.ts';
import { perfAudio } from '../../bench/perf-audio.ts';
import type { Config } from '../../config/load-config.ts';
import { PARITY_MODELS } from '../../io/default-paths.ts';
import { environmentRecord } from '../../report/environment.ts';
import { writeFileAtomic } from '../../report/write-atomic.ts';
import { baselineCacheBench } from '../../run/baseline-cache-bench.ts';
import { print, progress, progressDone } from '../terminal.ts';

/**
 * `asr-parity engine-bench`: the prebuilt and the SIMD libwhisper side by side on the parity
 * models (harness/bench/engine-bench.ts), then the baseline cache's warm-over-cold ratio
 * (harness/run/baseline-cache-bench.ts); one JSON with the machine it ran on. Not a report file.
 */
export async function run(o: { duration: number; numRuns: number; threads?: number; output: string }, config: Config): Promise<void> {
  const [audio] = await perfAudio(readManifest(config.fixtures), [o.duration], config.fixtures);
  const r = await engineBench({ audio, runs: o.numRuns, threads: o.threads ?? defaultThreads(), models: [{ precision: 'f32', path: PARITY_MODELS.fp32 }, { precision: 'f16', path: PARITY_MODELS.fp16 }], progress });
  progressDone();
  for (const x of r.results) {
    const ov = (s: typeof x.simd) => `${s.bindingOverhead.meanOverheadMs.toFixed(1)} ms (${(100 * s.bindingOverhead.overheadShare).toFixed(1)}%)`;
    print(`${x.precision}: prebuilt ${x.prebuilt.latencyMs.mean.toFixed(1)} ms, SIMD ${x.simd.latencyMs.mean.toFixed(1)} ms mean over ${x.simd.latencyMs.runs} runs each on ${audio.duration.toFixed(0)} s: ${x.ratio.toFixed(2)}x; binding overhead prebuilt ${ov(x.prebuilt)}, SIMD ${ov(x.simd)}; same tokens: ${x.sameTokens ? 'yes' : 'NO'}`);
  }
  const baselineCache = await baselineCacheBench(config, { rounds: 3, progress });
  progressDone();
  print(`baseline cache: the accuracy gate on ${baselineCache.cases} cases (${baselineCache.baseline} vs ${baselineCache.devices.join(', ')}), warm over cold: ${baselineCache.wallRatio.toFixed(2)} wall, ${baselineCache.cpuRatio.toFixed(2)} CPU (means of ${baselineCache.rounds}; warm run: ${baselineCache.warmHits} from cache)`);
  writeFileAtomic(o.output, `${JSON.stringify({ ...r, baselineCache, machine: environmentRecord() }, null, 2)}\n`);
  print(`written: ${o.output}`);
}
