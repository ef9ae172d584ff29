import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend, BackendTranscript, LoadedBackend } from '../../backends/types.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import { readManifest, type Case } from '../audio/manifest.ts';
import type { Config } from '../config/load-config.ts';
import { writeReportFiles } from '../report/report-file.ts';
import { accuracyCases } from './accuracy-cases.ts';
import { runGate } from './gate-run.ts';
import { planBackend, type GatePlan, type PlannedBackend } from './plan-backends.ts';

/**
 * The gate's own cost as the corpus grows (issue 23 item 6): everything but the engines, per
 * case, at 100, 1,000 and 10,000 cases, and the memory it holds. Two parts:
 * - `engine`: the accuracy gate on the fixtures with the small generated model (cpu-fp32 against
 *   cpu-fp16, teacher forcing on), every backend call timed from outside: wall minus the time in
 *   the calls is the gate's overhead beside real engines;
 * - `sizes`: the same gate on N cases (the fixtures repeated under new ids, their audio decoded
 *   every time, as a corpus of N files would be), with each backend call answered by a REPLAY
 *   STAND-IN that returns what the small model said for that audio in the first part (looked up
 *   by the SHA-256 of the samples, inside the timed call). The engines then cost next to nothing,
 *   and what is left is the gate: reading and decoding audio, scoring, bounds, bootstrap and sign
 *   test, MAPSSWE, the report and its JSON, Markdown and HTML files, timed together.
 * Backends run in this process (isolation off). Figures are recorded, nothing is asserted.
 */
export interface ScaleRow {
  cases: number;
  wallMs: number;
  /** Time inside backend loads and calls (transcribe, forcedLogits), measured around each. */
  inCallsMs: number;
  /** (wall - in calls) / cases. */
  overheadMsPerCase: number;
  /** Writing report.json, REPORT.md (with plots) and REPORT.html; part of wallMs. */
  writeMs: number;
  /** Peak resident memory of this process so far (sizes run smallest first, so each row's is its own) and the heap after the run. */
  peakRssMiB: number;
  heapUsedMiB: number;
  bytes: { json: number; markdown: number; html: number };
}

export interface ScaleBench {
  model: string;
  engine: ScaleRow;
  sizes: ScaleRow[];
}

type Recorded = Map<string, { transcript: BackendTranscript; logits: Map<string, Float32Array[]> }>;

const MiB = 2 ** 20;
const keyOf = (a: Audio16k) => createHash('sha256').update(new Uint8Array(a.samples.buffer, a.samples.byteOffset, a.samples.byteLength)).digest('hex');

/** A backend whose calls are timed from outside, recording what it said for each audio when `recorded` is given. */
function timedBackend(b: Backend, clock: { ms: number }, recorded?: Recorded): Backend {
  return {
    ...b,
    async load(o) {
      // loading the model is the engine's cost too
      const t0 = performance.now();
      const l = await b.load(o);
      clock.ms += performance.now() - t0;
      const around = async <T>(f: () => Promise<T>) => {
        const t0 = performance.now();
        try {
          return await f();
        } finally {
          clock.ms += performance.now() - t0;
        }
      };
      const timed: LoadedBackend = {
        loadMs: l.loadMs,
        transcribe: (a) =>
          around(async () => {
            const t = await l.transcribe(a);
            if (recorded) recorded.set(keyOf(a), { transcript: t, logits: recorded.get(keyOf(a))?.logits ?? new Map() });
            return t;
          }),
        forcedLogits: l.forcedLogits
          ? (a, tokens) =>
              around(async () => {
                const x = await l.forcedLogits!(a, tokens);
                recorded?.get(keyOf(a))?.logits.set(tokens.join(','), x);
                return x;
              })
          : undefined,
        describe: () => l.describe(),
        dispose: () => l.dispose(),
      };
      return timed;
    },
  };
}

/** REPLAY STAND-IN: answers each call with what the real backend said for the same samples; describes itself as the real one did, plus what it is. */
function replayBackend(b: Backend, recorded: Recorded, describe: Record<string, string | number | boolean>, clock: { ms: number }): Backend {
  const at = (a: Audio16k) => {
    const r = recorded.get(keyOf(a));
    if (!r) throw new Error(`replay stand-in: no recorded answer for ${a.source.path}`);
    return r;
  };
  const around = <T>(f: () => T): Promise<T> => {
    const t0 = performance.now();
    try {
      return Promise.resolve(f());
    } finally {
      clock.ms += performance.now() - t0;
    }
  };
  return {
    ...b,
    async load() {
      return {
        loadMs: 0,
        transcribe: (a) => around(() => at(a).transcript),
        forcedLogits: (a, tokens) =>
          around(() => {
            const x = at(a).logits.get(tokens.join(','));
            if (!x) throw new Error(`replay stand-in: no recorded logits for ${a.source.path}`);
            return x;
          }),
        describe: () => ({ ...describe, replayStandIn: true }),
        dispose: () => {},
      };
    },
  };
}

async function timedRun(config: Config, plan: GatePlan, cases: readonly Case[], clock: { ms: number }): Promise<ScaleRow> {
  const dir = mkdtempSync(join(tmpdir(), 'asr-parity-scale-'));
  try {
    clock.ms = 0;
    const t0 = performance.now();
    const report = await runGate({ config, plan, accuracy: { cases } });
    const w0 = performance.now();
    const files = { json: join(dir, 'report.json'), markdown: join(dir, 'REPORT.md'), html: join(dir, 'REPORT.html') };
    await writeReportFiles(report, files);
    const end = performance.now();
    const wallMs = end - t0;
    return {
      cases: cases.length,
      wallMs,
      inCallsMs: clock.ms,
      overheadMsPerCase: (wallMs - clock.ms) / cases.length,
      writeMs: end - w0,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      heapUsedMiB: process.memoryUsage().heapUsed / MiB,
      bytes: { json: statSync(files.json).size, markdown: statSync(files.markdown).size, html: statSync(files.html).size },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fixtures repeated under new ids up to n cases (the audio files are read and decoded for every case, as n files would be). */
export function repeatedCases(base: readonly Case[], n: number): Case[] {
  return Array.from({ length: n }, (_, i) => {
    const c = base[i % base.length]!;
    return { ...c, id: `${c.id}-r${Math.floor(i / base.length)}` };
  });
}

export async function scaleBench(c: Config, o: { sizes: readonly number[]; progress?: (m: string) => void }): Promise<ScaleBench> {
  const config: Config = { ...c, isolation: { ...c.isolation, enabled: false } };
  const { cases } = accuracyCases({ cases: readManifest(c.fixtures), skipped: [] });
  const clock = { ms: 0 };
  const recorded: Recorded = new Map();
  const real = async (name: string, role: PlannedBackend['role']) => {
    const p = await planBackend({ name, backend: name }, role, 'scale bench');
    return { ...p, backend: timedBackend(p.backend, clock, recorded), module: undefined };
  };
  const plan: GatePlan = { baseline: await real('cpu-fp32', 'baseline'), devices: [await real('cpu-fp16', 'device')] };
  o.progress?.(`scale: the small model on ${cases.length} fixtures, every call timed`);
  const engine = await timedRun(config, plan, cases, clock);
  const described = async (p: PlannedBackend) => {
    const l = await p.backend.load(p.options);
    try {
      return l.describe();
    } finally {
      l.dispose();
    }
  };
  const replay = async (p: PlannedBackend) => ({ ...p, backend: replayBackend(p.backend, recorded, await described(p), clock) });
  const replayPlan: GatePlan = { baseline: await replay(plan.baseline), devices: [await replay(plan.devices[0]!)] };
  const sizes: ScaleRow[] = [];
  for (const n of [...o.sizes].sort((a, b) => a - b)) {
    o.progress?.(`scale: ${n} cases, engines replayed`);
    sizes.push(await timedRun(config, replayPlan, repeatedCases(cases, n), clock));
  }
  return { model: String(plan.baseline.options.model ?? 'the generated parity model'), engine, sizes };
}
