import { Type, type Static } from '@sinclair/typebox';
import { Bench } from 'tinybench';
import { Enum, OneOf, OrNull } from '../io/schema-types.ts';
import { DEVICE_MEMORY, type LoadedBackend } from '../../backends/types.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import type { IsolationOptions } from '../isolate/isolated-backend.ts';
import { measureIsolated } from '../isolate/isolated-measure.ts';
import { loadBackend, runsIsolated } from '../load/load-backend.ts';
import type { ResolvedBackend } from '../load/resolve-backend.ts';
import { LATENCY_STATS, latencyStats } from './latency-stats.ts';
import { processCpuMs, processMemory, RESIDENT_MEMORY, selfCpuMs } from '../io/proc-figures.ts';
import { MACHINE_STATE, watchMachine } from './machine-state.ts';
import { UNDER_LOAD_CHECK, type PlainTranscript } from '../score/gate.ts';

export interface PerformanceOptions {
  /** The audio the warm runs transcribe (30 s in the reference report). */
  audio: Audio16k;
  /** A short clip timed once, as the reference's "short audio (10 s)" row. */
  shortAudio: Audio16k;
  /** Warm runs after the first call. */
  runs: number;
  progress?: (msg: string) => void;
  /** Measure in a child process of the backend's own: a crash or hang there is an error here, not the end of the run. */
  isolation?: IsolationOptions;
}

const MS = Type.Number({ minimum: 0 });
const BYTES = Type.Number({ minimum: 0 });

/** A call whose reported time the harness's own clock contradicts. */
const TIME_DISAGREEMENT = Type.Object(
  {
    /** 'first', 'short' or the warm run's number (1-based); 'measurement' for a whole measurement made in the backend's process. */
    call: Type.String(),
    reportedMs: Type.Number(),
    wallMs: MS,
    /** more: the backend claims more time than the call took from outside, which cannot be; less: under half of it, the rest unaccounted for. */
    kind: Enum(['more', 'less']),
  },
  { additionalProperties: false },
);
export type TimeDisagreement = Static<typeof TIME_DISAGREEMENT>;

const OUTSIDE_FIGURES = Type.Object(
  {
    /** The harness's wall time around each warm call (ms, run order), beside samplesMs (what the backend reported); absent when the whole measurement ran in the backend's process. */
    callWallMs: Type.Optional(Type.Array(MS, { description: "the harness's wall time around each warm call, run order, beside samplesMs" })),
    /** Around the whole measurement, when it ran in the backend's process (isolation). */
    measurementWallMs: Type.Optional(MS),
    /** The backend process's resident memory after the runs and its peak (VmRSS, VmHWM of /proc/<pid>/status); null where /proc could not say. */
    processMemory: OneOf([Type.Null(), RESIDENT_MEMORY]),
    disagreements: Type.Array(TIME_DISAGREEMENT),
  },
  { description: 'what the harness measured from outside a backend that runs in another process', additionalProperties: false },
);
export type OutsideFigures = Static<typeof OUTSIDE_FIGURES>;

/**
 * What produced the figures (the loaded backend's own description) and the figures, declared
 * once: its type is derived here, and the report's schema holds it as it is (report-schema.ts).
 */
export const PERFORMANCE_RESULT = Type.Object(
  {
    audioSeconds: Type.Number({ exclusiveMinimum: 0 }),
    loadMs: MS,
    firstCallMs: MS,
    shortAudio: Type.Object({ audioSeconds: Type.Number({ exclusiveMinimum: 0 }), latencyMs: MS, text: Type.String() }, { additionalProperties: false }),
    latencyMs: LATENCY_STATS,
    samplesMs: Type.Array(MS, { minItems: 1, description: 'warm-run latencies in run order' }),
    rtf: Type.Number({ minimum: 0 }),
    rtfx: Type.Number({ minimum: 0 }),
    memory: Type.Object(
      {
        hostRssBeforeLoadBytes: BYTES,
        hostRssAfterLoadBytes: BYTES,
        hostRssAfterRunsBytes: BYTES,
        /** Peak RSS of the whole process so far (getrusage), not of this backend alone; a worker's: its own process's (VmHWM). */
        hostPeakRssBytes: BYTES,
        device: OrNull(DEVICE_MEMORY),
      },
      { additionalProperties: false },
    ),
    /** Baseline mean latency over this backend's; filled in when the report is assembled. */
    speedup: OrNull(Type.Number({ exclusiveMinimum: 0 })),
    /** The first call and every warm run, on the same audio: one distinct output means deterministic. */
    determinism: Type.Object({ runs: Type.Integer({ minimum: 1 }), distinctOutputs: Type.Integer({ minimum: 1 }), deterministic: Type.Boolean() }, { additionalProperties: false }),
    /** The timed calls' transcripts against the accuracy path's transcript of the same audio (MLPerf TEST01); judged in score/gate.ts. */
    underLoad: Type.Optional(UNDER_LOAD_CHECK),
    /** CPU time of each warm run (ms, run order; absent in reports from before it was recorded, as machine): this process's, plus the backend process's where it is another (a worker), read from /proc. */
    cpuMsPerRun: Type.Optional(Type.Array(MS, { description: "CPU time of each warm run (ms, run order): the measuring process's plus the backend process's where it is another" })),
    /** How busy the machine was while this was measured: figures taken beside other work are slower than the backend. */
    machine: Type.Optional(MACHINE_STATE),
    /** What the harness saw from outside a backend that runs in another process; absent for one in this process. */
    outside: Type.Optional(OUTSIDE_FIGURES),
  },
  { additionalProperties: false },
);
export type PerformanceResult = Static<typeof PERFORMANCE_RESULT>;

/** Reported times more than the call took (beyond clock granularity) cannot be; under half of it, with more than 20 ms missing, is suspicious. */
export function timeDisagreement(call: string, reportedMs: number, wallMs: number): TimeDisagreement | undefined {
  if (reportedMs > wallMs * 1.01 + 1) return { call, reportedMs, wallMs, kind: 'more' };
  if (reportedMs < wallMs / 2 && wallMs - reportedMs > 20) return { call, reportedMs, wallMs, kind: 'less' };
  return undefined;
}

export interface MeasuredPerformance {
  environment: ReturnType<LoadedBackend['describe']>;
  performance: PerformanceResult;
  /** What the timed calls returned, in order (the first call, then each warm run) and for the short clip: for the under-load check. */
  transcripts: { audio: PlainTranscript[]; short: PlainTranscript };
  /** The engine's own timings of the first call and each warm run, in order (whisper.cpp: encode ms per window, decode ms per step): the full-size bench's encoder throughput comes from them. Not part of a report. */
  callTimingsMs: Array<Record<string, number>>;
}

const plain = (t: PlainTranscript): PlainTranscript => (t.tokens ? { text: t.text, tokens: t.tokens } : { text: t.text });

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

/** A worker's latency is the time it measured where the work happens, without the protocol's transport around it. */
const latencyOf = (loaded: { timedInside?: boolean }, r: { timings: { totalMs: number } }, wallMs: number) => (loaded.timedInside ? r.timings.totalMs : wallMs);

/**
 * Load time, the first call (users ask for it apart: it pays for lazy allocation and kernel
 * compilation on accelerators), one short clip, then `runs` warm calls through tinybench with
 * its samples kept: tinybench stops at P99, and P90 is computed from the samples here.
 */
export async function measurePerformance(r: Pick<ResolvedBackend, 'backend' | 'module' | 'options' | 'availability'>, o: PerformanceOptions): Promise<MeasuredPerformance> {
  const { backend } = r;
  if (runsIsolated(r, o.isolation)) {
    // the child trusts this process's availability answer: it loads, measures and answers
    const m = await measureIsolated<MeasuredPerformance>(backend.name, r.module, r.options, o, o.isolation!);
    // the child timed its own calls; from here, their sum cannot exceed the wall time around the whole
    // measurement. Only "more" is judged: that wall time also holds what the child does not time
    // (its start, loading the measuring code), so a sum under half of it says nothing
    const p = m.result.performance;
    const reported = p.loadMs + p.firstCallMs + p.shortAudio.latencyMs + p.samplesMs.reduce((a, b) => a + b, 0);
    const whole = timeDisagreement('measurement', reported, m.wallMs);
    const d = whole?.kind === 'more' ? [whole] : [];
    return { ...m.result, environment: { ...m.result.environment, isolated: true }, performance: { ...p, outside: { measurementWallMs: m.wallMs, processMemory: m.processMemory, disagreements: d } } };
  }
  const rssBefore = process.memoryUsage().rss;
  o.progress?.(`${backend.name}: loading`);
  const loaded = await loadBackend(r);
  const pid = loaded.processId?.();
  // the work's CPU time: this process's, and the backend process's where it is another
  const cpuNow = () => selfCpuMs() + (pid === undefined ? 0 : (processCpuMs(pid) ?? 0));
  const machine = watchMachine(cpuNow);
  try {
    // a backend in a process of its own (a worker) reports that process's memory: the harness's RSS holds none of its model
    const own = () => loaded.processMemory?.();
    const rssAfterLoad = own()?.rssBytes ?? process.memoryUsage().rss;
    o.progress?.(`${backend.name}: first call`);
    const [first, firstWallMs] = await timed(() => loaded.transcribe(o.audio));
    const firstCallMs = latencyOf(loaded, first, firstWallMs);
    // every warm run transcribes the same audio: their outputs must be identical
    const outputs = new Set([JSON.stringify([first.text, first.tokens ?? null])]);
    const [short, shortWallMs] = await timed(() => loaded.transcribe(o.shortAudio));
    const shortMs = latencyOf(loaded, short, shortWallMs);
    const timedAudio = [plain(first)];
    const callTimingsMs = [{ ...first.timings }];
    const bench = new Bench({ iterations: o.runs, time: 0, warmup: false, retainSamples: true, throws: true });
    let n = 0;
    // tinybench drives the runs; the samples are taken here too because tinybench sorts its own,
    // and run order is what shows warm-up drift
    const inOrder: number[] = [];
    const wallInOrder: number[] = [];
    const cpuMsPerRun: number[] = [];
    bench.add(backend.name, async () => {
      // counted outside the optional call: `o.progress?.(...)` skips its arguments when there is no
      // progress callback, and determinism.runs was then 1 whatever the run count
      n++;
      o.progress?.(`${backend.name}: run ${n}/${o.runs}`);
      const c0 = cpuNow();
      const t0 = performance.now();
      const r = await loaded.transcribe(o.audio);
      const wallMs = performance.now() - t0;
      cpuMsPerRun.push(cpuNow() - c0);
      wallInOrder.push(wallMs);
      inOrder.push(latencyOf(loaded, r, wallMs));
      outputs.add(JSON.stringify([r.text, r.tokens ?? null]));
      timedAudio.push(plain(r));
      callTimingsMs.push({ ...r.timings });
    });
    const [task] = await bench.run();
    const result = task?.result;
    if (!result || !('latency' in result) || result.latency.samples?.length !== inOrder.length) throw new Error(`tinybench ran ${n} of ${o.runs} runs for ${backend.name}`);
    const samples = inOrder;
    const stats = latencyStats(samples);
    const outside: OutsideFigures | undefined =
      pid === undefined
        ? undefined
        : {
            callWallMs: wallInOrder,
            processMemory: processMemory(pid),
            disagreements: [timeDisagreement('first', firstCallMs, firstWallMs), timeDisagreement('short', shortMs, shortWallMs), ...samples.map((v, i) => timeDisagreement(String(i + 1), v, wallInOrder[i]!))].filter((x) => x !== undefined),
          };
    return {
      environment: loaded.describe(),
      performance: {
        audioSeconds: o.audio.duration,
        loadMs: loaded.loadMs,
        firstCallMs,
        shortAudio: { audioSeconds: o.shortAudio.duration, latencyMs: shortMs, text: short.text },
        latencyMs: stats,
        samplesMs: samples,
        rtf: stats.mean / 1000 / o.audio.duration,
        rtfx: o.audio.duration / (stats.mean / 1000),
        memory: {
          hostRssBeforeLoadBytes: own()?.rssBeforeLoadBytes ?? rssBefore,
          hostRssAfterLoadBytes: rssAfterLoad,
          hostRssAfterRunsBytes: own()?.rssBytes ?? process.memoryUsage().rss,
          hostPeakRssBytes: own()?.peakRssBytes ?? process.resourceUsage().maxRSS * 1024,
          device: loaded.memory?.() ?? null,
        },
        speedup: null,
        determinism: { runs: n + 1, distinctOutputs: outputs.size, deterministic: outputs.size === 1 },
        cpuMsPerRun,
        machine: machine(),
        ...(outside ? { outside } : {}),
      },
      callTimingsMs,
      transcripts: { audio: timedAudio, short: plain(short) },
    };
  } finally {
    loaded.dispose();
  }
}
