import { basename } from 'node:path';
import type { Audio16k } from '../audio/decoded-audio.ts';
import { cpuEngine } from '../../backends/whisper-cpp/engine/cpu-engine.ts';
import { bundledLibraryPath, loadWhisperLibrary } from '../../backends/whisper-cpp/engine/whisper-library.ts';
import { WhisperModel, type DecodeOptions } from '../../backends/whisper-cpp/engine/whisper-model.ts';
import { BackendUnavailableError } from '../errors.ts';
import { latencyStats, type LatencyStats } from './latency-stats.ts';

/**
 * The prebuilt and the SIMD libwhisper side by side in one process: calls alternate between the
 * two (ABAB..., then BABA...), so load from other processes falls on both alike. For each call
 * the binding's wall time is set beside whisper.cpp's own account of it (whisper_print_timings).
 */

export interface EngineBenchOptions {
  audio: Audio16k;
  models: { precision: string; path: string }[];
  runs: number;
  threads: number;
  progress?: (msg: string) => void;
}

interface EngineSide {
  latencyMs: LatencyStats;
  /** The binding's wall time minus the time whisper.cpp accounts for in its stages (mel, sample, encode, decode, batchd, prompt). */
  bindingOverhead: { meanWallMs: number; meanWhisperStagesMs: number; meanOverheadMs: number; overheadShare: number; meanWhisperTotalMs: number };
}

export interface EngineBenchPrecision {
  precision: string;
  model: string;
  prebuilt: EngineSide;
  simd: EngineSide;
  /** prebuilt mean / SIMD mean: how many times faster the SIMD build is. */
  ratio: number;
  /** Whether every call of both engines gave the same token ids. */
  sameTokens: boolean;
}

export interface EngineBenchResult {
  kind: 'engine-bench';
  audioSeconds: number;
  audioSource: string;
  runs: number;
  threads: number;
  engines: Record<'prebuilt' | 'simd', { library: string; whisperVersion: string; systemInfo: string } & Record<string, string>>;
  results: EngineBenchPrecision[];
}

function side(walls: number[], stages: number[], totals: number[]): EngineSide {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const overhead = walls.map((w, i) => w - stages[i]!);
  return {
    latencyMs: latencyStats(walls),
    bindingOverhead: { meanWallMs: mean(walls), meanWhisperStagesMs: mean(stages), meanOverheadMs: mean(overhead), overheadShare: mean(overhead) / mean(walls), meanWhisperTotalMs: mean(totals) },
  };
}

export async function engineBench(o: EngineBenchOptions): Promise<EngineBenchResult> {
  const engine = cpuEngine();
  if (engine.build !== 'simd') throw new BackendUnavailableError('engine-bench', `no SIMD build to compare: ${engine.facts.engineNote}`, 'run npm run build-engine');
  const prebuiltPath = bundledLibraryPath();
  if (!prebuiltPath) throw new BackendUnavailableError('engine-bench', 'the prebuilt @fugood/node-whisper-linux-x64 is not installed', 'run npm install');
  const libs = { prebuilt: loadWhisperLibrary(prebuiltPath), simd: loadWhisperLibrary(engine.library!) };
  const decode: DecodeOptions = { threads: o.threads, language: 'en', noTimestamps: true };
  const results: EngineBenchPrecision[] = [];
  for (const { precision, path } of o.models) {
    const models = { prebuilt: WhisperModel.load(libs.prebuilt, path), simd: WhisperModel.load(libs.simd, path) };
    try {
      const samples = { prebuilt: { wall: [] as number[], stages: [] as number[], total: [] as number[] }, simd: { wall: [] as number[], stages: [] as number[], total: [] as number[] } };
      const tokens = new Set<string>();
      for (const name of ['prebuilt', 'simd'] as const) await models[name].transcribe(o.audio.samples, decode); // warm-up, not counted
      for (let i = 0; i < o.runs; i++) {
        for (const name of i % 2 ? (['simd', 'prebuilt'] as const) : (['prebuilt', 'simd'] as const)) {
          o.progress?.(`${precision}: run ${i + 1}/${o.runs}, ${name}`);
          const t = await models[name].transcribe(o.audio.samples, decode);
          const own = models[name].engineTimings();
          if (!own) throw new Error('whisper.cpp timings unavailable: unset ASR_PARITY_WHISPER_LOG');
          samples[name].wall.push(t.timings.totalMs);
          samples[name].stages.push(own.stagesMs);
          samples[name].total.push(own.totalMs);
          tokens.add(t.tokens.join(','));
        }
      }
      const prebuilt = side(samples.prebuilt.wall, samples.prebuilt.stages, samples.prebuilt.total);
      const simd = side(samples.simd.wall, samples.simd.stages, samples.simd.total);
      results.push({ precision, model: basename(path), prebuilt, simd, ratio: prebuilt.latencyMs.mean / simd.latencyMs.mean, sameTokens: tokens.size === 1 });
    } finally {
      models.prebuilt.free();
      models.simd.free();
    }
  }
  const describe = (name: 'prebuilt' | 'simd', facts: Record<string, string>) => ({ library: libs[name].path, whisperVersion: libs[name].version, systemInfo: libs[name].systemInfo, ...facts });
  return {
    kind: 'engine-bench',
    audioSeconds: o.audio.duration,
    audioSource: o.audio.source.path,
    runs: o.runs,
    threads: o.threads,
    engines: { prebuilt: describe('prebuilt', { engineBuild: 'prebuilt' }), simd: describe('simd', engine.facts) },
    results,
  };
}
