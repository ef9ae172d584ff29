import { readManifest } from '../../audio/manifest.ts';
import { perfAudio } from '../../bench/perf-audio.ts';
import type { Config } from '../../config/load-config.ts';
import { checkOutputs, runPerformanceGate, type GateFlags } from '../gate-terminal.ts';

/** `asr-parity eval-perf`: every backend measured on the fixtures' speech, the report in eval_perf_result.json unless --output says otherwise. */
export async function run(o: GateFlags & { duration?: number; numRuns?: number }, config: Config): Promise<void> {
  const flags = { output: 'eval_perf_result.json', ...o };
  checkOutputs(flags);
  const seconds = o.duration ?? config.performance.audioSeconds;
  const [audio, shortAudio] = await perfAudio(readManifest(config.fixtures), [seconds, Math.min(seconds, config.performance.shortAudioSeconds)], config.fixtures);
  await runPerformanceGate(config, flags, { audio, shortAudio, runs: o.numRuns ?? config.performance.runs });
}
