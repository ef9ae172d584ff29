import { loadavg } from 'node:os';
import { inspectModelFile } from '../../backends/whisper-cpp/engine/ggml-model-file.ts';
import { readManifest } from '../audio/manifest.ts';
import { encoderFlops } from '../bench/encoder-flops.ts';
import { measurePerformance, type PerformanceResult } from '../bench/measure-performance.ts';
import { perfAudio } from '../bench/perf-audio.ts';
import { measureSgemmPeak, type SgemmPeak } from '../bench/sgemm-peak.ts';
import type { Config } from '../config/load-config.ts';
import { planOneFromFlags } from './plan-from-flags.ts';

/**
 * `bench --only full-size`: the parity model at distil-large-v3's dimensions (made by the CLI
 * through the fixtures door, handed in as files) measured per backend on 30 s of the fixtures'
 * speech: load, first call, warm latency (percentiles only where latency-stats allows), RTF,
 * RSS and peak RSS, and the encoder's achieved GFLOP/s against an SGEMM measured in the same
 * run. Each backend runs in a process of its own (the harness's isolation), one after the
 * other: one model in memory at a time, and its peak RSS is its own.
 */
export const FULL_SIZE_BACKENDS = ['cpu-fp32', 'cpu-fp16', 'torch-cpu-fp32', 'torch-cpu-bf16'] as const;

/**
 * Warm runs per backend by default: whisper.cpp enough for a P50 (latency-stats' MIN_RUNS_FOR),
 * at about 30 s per call on 2 threads; torch fewer, its fp32 matmuls being slower and its
 * bfloat16 ones minutes per call on a CPU without native bf16 matmul kernels.
 */
export const DEFAULT_FULL_SIZE_RUNS: Readonly<Record<string, number>> = { 'cpu-fp32': 5, 'cpu-fp16': 5, 'torch-cpu-fp32': 2, 'torch-cpu-bf16': 1 };

/** A model file of the pair, as the CLI made or found it. */
export interface FullSizeModel {
  /** A ggml file in f32 or f16, or a transformers folder. */
  layout: 'f32' | 'f16' | 'hf';
  path: string;
  bytes: number;
  /** false: found in the cache. */
  made: boolean;
  writeMs: number;
  key: Record<string, unknown>;
}

export interface FullSizeOptions {
  config: Config;
  models: readonly FullSizeModel[];
  backends: readonly string[];
  runs: Readonly<Record<string, number>>;
  threads: number;
  /** Audio length; whisper pads a window to 30 s whatever it is given. */
  seconds: number;
  progress: (msg: string) => void;
  /** Each row as it is measured, so the caller can save a partial run. */
  row?: (r: FullSizeRow, sgemm: FullSizeResult['sgemm']) => void;
}

export type FullSizeRow =
  | {
      backend: string;
      status: 'measured';
      model: string;
      runs: number;
      environment: Record<string, unknown>;
      performance: PerformanceResult;
      /** The engine's timings of the first call and each warm run. */
      callTimingsMs: Array<Record<string, number>>;
      /** What each timed call said, and how many tokens it decoded (the construction bounds them). */
      text: string;
      tokens: number | null;
      encoder: { gflopPerPass: number; msPerPass: number | null; gflops: number | null; ofSgemmPeak: number | null; from: string };
      loadAverageAfter: number[];
    }
  | { backend: string; status: 'skipped' | 'failed'; reason: string };

export interface FullSizeResult {
  audioSeconds: number;
  threads: number;
  models: readonly FullSizeModel[];
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  sgemm: SgemmPeak | { unavailable: string };
  rows: FullSizeRow[];
}

/**
 * Which layout a backend takes: whisper.cpp's backends their ggml file (f16 for cpu-fp16), the
 * torch family the transformers folder, as the reference's users hold the model (the engine
 * casts the f32 weights to its dtype, as transformers' torch_dtype does).
 */
export const layoutFor = (backend: string): FullSizeModel['layout'] => (backend.startsWith('torch-') ? 'hf' : backend.endsWith('-fp16') ? 'f16' : 'f32');

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export async function fullSizeBench(o: FullSizeOptions): Promise<FullSizeResult> {
  const loadAverageBefore = loadavg();
  o.progress('full-size: measuring an SGEMM for the peak');
  const sgemm = measureSgemmPeak(o.threads);
  const [audio, shortAudio] = await perfAudio(readManifest(o.config.fixtures), [o.seconds, 10], o.config.fixtures);
  // the encoder's operations from the file's own dimensions; a 30 s window is 1500 positions in every Whisper
  const dims = inspectModelFile(o.models.find((m) => m.layout !== 'hf')!.path);
  const gflopPerPass = encoderFlops({ nMels: dims.nMels, nState: dims.nAudioState, nLayers: dims.nAudioLayer, nCtx: 1500 }) / 1e9;
  const rows: FullSizeRow[] = [];
  for (const backend of o.backends) {
    const model = o.models.find((m) => m.layout === layoutFor(backend));
    const runs = o.runs[backend] ?? DEFAULT_FULL_SIZE_RUNS[backend] ?? 1;
    let row: FullSizeRow;
    try {
      if (!model) throw new Error(`no ${layoutFor(backend)} model was made for it`);
      let plan;
      try {
        plan = await planOneFromFlags(o.config, backend, { model: model.path, threads: o.threads });
      } catch (e) {
        // a backend this tree does not have (the torch family before it lands) or cannot configure
        throw Object.assign(new Error((e as Error).message), { skip: true });
      }
      if (!plan.availability.ok) throw Object.assign(new Error(plan.availability.reason), { skip: true });
      // the warm runs cost tens of seconds to minutes each at this size: no call timeout, the load keeps the config's bound
      const isolation = { callTimeoutMs: 0, loadTimeoutMs: o.config.isolation.loadTimeoutMs };
      const m = await measurePerformance(plan, { audio, shortAudio, runs, progress: o.progress, isolation });
      // whisper.cpp: encode ms per window; the torch worker: encode ms of the call (one window: 30 s of audio)
      const encodes = m.callTimingsMs.slice(1).map((t) => t.encodeMsPerWindow ?? t.encodeMs).filter((v): v is number => typeof v === 'number' && v > 0);
      const msPerPass = mean(encodes);
      const gflops = msPerPass === null ? null : gflopPerPass / (msPerPass / 1000);
      const peak = 'gflops' in sgemm ? sgemm.gflops : null;
      const first = m.transcripts.audio[0]!;
      row = {
        backend,
        status: 'measured',
        model: model.path,
        runs,
        environment: m.environment as Record<string, unknown>,
        performance: m.performance,
        callTimingsMs: m.callTimingsMs,
        text: first.text,
        tokens: first.tokens?.length ?? null,
        encoder: {
          gflopPerPass,
          msPerPass,
          gflops,
          ofSgemmPeak: gflops !== null && peak !== null ? gflops / peak : null,
          from: msPerPass === null ? 'the engine reports no encoder time' : `the engine's encode time, mean of ${encodes.length} warm runs`,
        },
        loadAverageAfter: loadavg(),
      };
    } catch (e) {
      const err = e as Error & { skip?: boolean };
      row = { backend, status: err.skip ? 'skipped' : 'failed', reason: err.message.split('\n')[0]! };
    }
    rows.push(row);
    o.row?.(row, sgemm);
  }
  return { audioSeconds: audio.duration, threads: o.threads, models: o.models, loadAverageBefore, loadAverageAfter: loadavg(), sgemm, rows };
}
