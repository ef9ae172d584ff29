import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../backends/types.ts';
import worker from '../../backends/worker.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import { selfCpuMs } from '../io/proc-figures.ts';
import { measurePerformance, timeDisagreement, type MeasuredPerformance } from './measure-performance.ts';

/**
 * Each figure measurePerformance reports, related to the raw samples it came from, in run order
 * (issue 24: sorting the samples or swapping RTF and RTFx passed every test), and the figures
 * taken from outside a worker (issue 21 item 5): its process's memory and CPU time from /proc,
 * the harness's own clock around each call against what the worker claims.
 *
 * The workers are real processes speaking the protocol, scripted: each reports the time it is
 * told to report (so the figures are exact whatever the machine's load), and sleeps, burns CPU
 * or allocates as told. A liar is a worker whose claim the harness can contradict. Each answers,
 * beside the time it is told to report, its own CPU clock (timings.cpuMs: process.cpuUsage as it
 * replies), and writes <script>.disposed when it is asked to dispose.
 */
const dir = mkdtempSync(join(tmpdir(), 'asr-parity-measure-'));

interface Script {
  /** totalMs reported by each transcribe call, in order: the first call, the short clip, then each warm run. */
  reports: number[];
  /** Wall time each call really takes (sleeping), ms; default 0. */
  sleepMs?: number;
  /** CPU time each call burns in the worker, ms of its own CPU clock; default 0. */
  burnCpuMs?: number;
  /** Memory the worker allocates and touches at load, MiB. */
  holdMiB?: number;
  /** What each transcribe call answers, in the order of reports (default: the same words and tokens every time); tokens null: none. */
  outputs?: Array<{ text: string; tokens: number[] | null }>;
  /** The call (0-based, in the order of reports) that fails with an error instead of answering. */
  failAt?: number;
}

function scripted(name: string, s: Script): string[] {
  const f = join(dir, `${name}.mjs`);
  writeFileSync(
    f,
    `import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
const s = ${JSON.stringify(s)};
let held, call = 0;
const reply = (req, value) => process.stdout.write(JSON.stringify({ id: req.id, ok: true, value }) + '\\n');
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const burn = (ms) => { const t = cpu(); while (cpu() - t < ms); };
createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  if (req.op === 'hello') reply(req, { protocol: 1, engine: ${JSON.stringify(name)} });
  else if (req.op === 'load') { if (s.holdMiB) held = Buffer.alloc(s.holdMiB * 2 ** 20, 1); reply(req, { loadMs: 1, description: { engine: ${JSON.stringify(name)} }, capabilities: ['tokens'] }); }
  else if (req.op === 'transcribe') {
    if (call === s.failAt) return process.stdout.write(JSON.stringify({ id: req.id, ok: false, error: { code: 'INFERENCE', input: 'transcribe', problem: 'the scripted failure' } }) + '\\n');
    const totalMs = s.reports[call++];
    burn(s.burnCpuMs ?? 0);
    const out = s.outputs?.[call - 1] ?? { text: 'the same words', tokens: [1, 2, 3] };
    setTimeout(() => reply(req, { text: out.text, ...(out.tokens ? { tokens: out.tokens } : {}), timings: { totalMs, cpuMs: cpu() } }), s.sleepMs ?? 0);
  } else if (req.op === 'dispose') { writeFileSync(${JSON.stringify(`${f}.disposed`)}, ''); reply(req, null); }
});
`,
  );
  return [process.execPath, f];
}

/** Whether the scripted worker behind `command` has been asked to dispose (it leaves a file when it is). */
const disposed = (command: string[]) => existsSync(`${command[1]}.disposed`);

const silence = (seconds: number): Audio16k => ({ samples: new Float32Array(16000 * seconds), sampleRate: 16000, duration: seconds, source: { path: `silence-${seconds}s.wav` } }) as unknown as Audio16k;
const AUDIO = silence(4);

async function measure(command: string[], runs: number, progress?: (msg: string) => void): Promise<MeasuredPerformance> {
  const options = { worker: { command, callTimeoutMs: 120_000, loadTimeoutMs: 120_000 } };
  return measurePerformance({ backend: worker, options, availability: { ok: true } }, { audio: AUDIO, shortAudio: silence(1), runs, progress });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('measurePerformance: every figure follows from the samples, in run order', () => {
  // first call, short clip, then 9 warm runs in an order that is neither sorted nor reversed
  const warm = [30, 10, 50, 20, 45, 60, 25, 90, 70];
  const reports = [400, 7, ...warm];

  it('keeps the samples in run order and derives mean, RTF, RTFx, drift and the percentiles from them', async () => {
    const { performance: p } = await measure(scripted('in-order', { reports }), warm.length);
    expect(p.firstCallMs, 'the first call is the first call\'s own figure').toBe(400);
    expect(p.shortAudio.latencyMs, 'the short clip is its own figure').toBe(7);
    expect(p.samplesMs, 'samplesMs must be the warm runs in the order they ran (sorted loses drift)').toEqual(warm);
    const l = p.latencyMs;
    expect(l.runs).toBe(warm.length);
    expect(l.mean, 'mean of the warm samples').toBeCloseTo(mean(warm), 9);
    expect([l.min, l.max], 'min and max of the warm samples').toEqual([Math.min(...warm), Math.max(...warm)]);
    expect(l.p50, 'P50: the median warm sample').toBe(45);
    // RTF is compute time over audio time (below 1: faster than real time); RTFx its inverse
    expect(p.rtf, 'RTF = mean latency / audio duration').toBeCloseTo(mean(warm) / 1000 / AUDIO.duration, 12);
    expect(p.rtfx, 'RTFx = audio duration / mean latency').toBeCloseTo(AUDIO.duration / (mean(warm) / 1000), 9);
    // drift: the last third of the runs over the first third, in run order
    expect(l.drift, 'drift = mean(last third) / mean(first third) - 1, in run order').toBeCloseTo(mean(warm.slice(-3)) / mean(warm.slice(0, 3)) - 1, 12);
    expect(p.audioSeconds).toBe(AUDIO.duration);
    expect(p.cpuMsPerRun, 'a CPU time per warm run').toHaveLength(warm.length);
    expect(p.machine?.cpus).toBeGreaterThan(0);
  });

  it('says what it is doing as it goes: loading, the first call, each warm run of how many', async () => {
    const seen: string[] = [];
    await measure(scripted('progress', { reports: [5, 5, 5, 5, 5] }), 3, (m) => seen.push(m));
    const b = worker.name;
    expect(seen, 'the progress messages, in order, each naming the backend').toEqual([`${b}: loading`, `${b}: first call`, `${b}: run 1/3`, `${b}: run 2/3`, `${b}: run 3/3`]);
  });

  it('keeps the engine\'s own timings of the first call and of each warm run, in order (not the short clip\'s)', async () => {
    const m = await measure(scripted('timings', { reports }), warm.length);
    // the full-size bench's encoder throughput is read from these: the first call's included
    expect(m.callTimingsMs.map((t) => t.totalMs), 'callTimingsMs: the first call\'s timings, then each warm run\'s').toEqual([400, ...warm]);
    for (const t of m.callTimingsMs) expect(Object.keys(t).sort(), 'every timing the engine gave, not totalMs alone').toEqual(['cpuMs', 'totalMs']);
  });
});

describe('a worker\'s figures, measured from outside it', () => {
  it('the worker process\'s own memory from /proc, not the harness\'s', async () => {
    const { performance: p } = await measure(scripted('holds', { reports: [5, 5, 5, 5, 5, 5, 5], holdMiB: 768 }), 5);
    const m = p.outside?.processMemory;
    expect(m, 'outside.processMemory read from /proc/<worker pid>/status').toBeTruthy();
    // the worker holds 768 MiB; the harness (this test process) holds far less than that
    expect(m!.rssBytes, 'VmRSS of the worker, which holds 768 MiB').toBeGreaterThanOrEqual(768 * 2 ** 20);
    expect(m!.peakRssBytes, 'VmHWM is the peak: at least the resident size').toBeGreaterThanOrEqual(m!.rssBytes);
    expect(process.memoryUsage().rss, 'control: the harness itself is smaller than the worker (else this shows nothing)').toBeLessThan(768 * 2 ** 20);
  });

  it('the worker process\'s CPU time counts in each run\'s CPU time', async () => {
    const { performance: p } = await measure(scripted('burns', { reports: [5, 5, 5, 5, 5, 5, 5], burnCpuMs: 150 }), 5);
    // each warm call burns 150 ms of the worker's CPU (its own clock); /proc counts in 10 ms ticks
    for (const c of p.cpuMsPerRun!) expect(c, 'cpuMsPerRun includes the worker process\'s CPU time').toBeGreaterThanOrEqual(130);
  });

  it('each run\'s CPU time is at most what the worker used in that call and this process in the whole measurement', async () => {
    const self0 = selfCpuMs();
    const m = await measure(scripted('burns-bounded', { reports: [5, 5, 5, 5, 5, 5, 5], burnCpuMs: 100 }), 5);
    const selfMs = selfCpuMs() - self0;
    // the worker's own CPU clock as it answered the first call, then each warm run; the short
    // clip between the first call and run 1 is counted in run 1's allowance (generous, never tight)
    const worker = m.callTimingsMs.map((t) => t.cpuMs!);
    m.performance.cpuMsPerRun!.forEach((c, i) => {
      const workerMs = worker[i + 1]! - worker[i]!;
      // /proc counts the worker in 10 ms ticks; 50 ms more for what it does after reading its clock (writing its answer)
      expect(c, `run ${i + 1}: cpuMsPerRun is a difference of CPU clocks over the run (the worker used ${workerMs.toFixed(0)} ms, this process ${selfMs.toFixed(0)} ms in the whole measurement)`).toBeLessThanOrEqual(workerMs + selfMs + 50);
    });
  });

  it('an honest worker\'s reported times are compared with the harness\'s wall time around each call', async () => {
    const { performance: p } = await measure(scripted('honest', { reports: [60, 60, 60, 60, 60, 60, 60], sleepMs: 60 }), 5);
    const o = p.outside!;
    expect(o.callWallMs, 'the harness\'s wall time around each warm call').toHaveLength(5);
    // a call takes at least the time the worker slept
    for (const w of o.callWallMs!) expect(w).toBeGreaterThanOrEqual(59);
    expect(o.disagreements.filter((d) => d.kind === 'more'), 'an honest worker never claims more than the call took').toEqual([]);
  });

  it('a worker that claims more time than the call took is flagged on every call', async () => {
    // "a worker reporting 1234 ms and doing nothing": here a minute, so no loaded machine makes it true
    const { performance: p } = await measure(scripted('claims-more', { reports: Array(7).fill(60_000) }), 5);
    expect(p.samplesMs, 'the worker\'s claim is still reported as its latency').toEqual(Array(5).fill(60_000));
    const d = p.outside!.disagreements;
    expect(d.map((x) => x.call), 'each call (first, short, 5 warm) flagged').toEqual(['first', 'short', '1', '2', '3', '4', '5']);
    expect(new Set(d.map((x) => x.kind))).toEqual(new Set(['more']));
    for (const x of d) expect(x.wallMs).toBeLessThan(x.reportedMs);
  });

  it('a worker that claims far less than the call took is flagged as suspicious', async () => {
    const { performance: p } = await measure(scripted('claims-less', { reports: Array(7).fill(1), sleepMs: 150 }), 5);
    const d = p.outside!.disagreements;
    expect(d.length, 'each call took at least 150 ms and claimed 1 ms').toBe(7);
    expect(new Set(d.map((x) => x.kind))).toEqual(new Set(['less']));
  });
});

/**
 * A backend module of the test's own, for the isolated branch: measurePerformance with
 * `isolation` runs the whole measurement in a child process that serves the module (the
 * in-tree worker, harness/isolate/), as the CLI does with any in-tree backend. A stand-in for an
 * engine, named so: it sleeps as told, says it timed each call inside (as a worker does) and
 * reports what it is told to (or what it measured), so the sum the parent checks is exact.
 */
interface StandIn {
  /** The load time it claims, ms; default: what its load took. */
  loadMs?: number;
  /** The time each call claims, ms; default: what the call took. */
  reportMs?: number;
  sleepMs?: number;
  holdMiB?: number;
}

async function standIn(name: string, s: StandIn): Promise<{ backend: Backend; module: string }> {
  const module = join(dir, `${name}.mjs`);
  writeFileSync(
    module,
    `const s = ${JSON.stringify(s)};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let held;
export default {
  name: ${JSON.stringify(name)}, description: 'a test\\'s stand-in backend', device: 'cpu', precision: 'none', capabilities: ['tokens'],
  async available() { return { ok: true }; },
  async load() {
    const t0 = performance.now();
    if (s.holdMiB) held = Buffer.alloc(s.holdMiB * 2 ** 20, 1);
    return {
      loadMs: s.loadMs ?? performance.now() - t0,
      timedInside: true,
      describe: () => ({ backend: ${JSON.stringify(name)}, pid: process.pid }),
      async transcribe() {
        const t = performance.now();
        await sleep(s.sleepMs ?? 0);
        return { text: 'the same words', tokens: [1, 2, 3], timings: { totalMs: s.reportMs ?? performance.now() - t } };
      },
      dispose() { held = undefined; },
    };
  },
};
`,
  );
  return { backend: ((await import(module)) as { default: Backend }).default, module };
}

async function measureIsolatedStandIn(name: string, s: StandIn, runs: number): Promise<MeasuredPerformance> {
  const { backend, module } = await standIn(name, s);
  return measurePerformance({ backend, module, options: {}, availability: { ok: true } }, { audio: AUDIO, shortAudio: silence(1), runs, isolation: { callTimeoutMs: 120_000, loadTimeoutMs: 120_000 } });
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('measurePerformance with isolation: the whole measurement in a child process, checked from outside it', () => {
  it('the child\'s figures, marked isolated, with the wall time around the measurement and the child\'s memory', async () => {
    const m = await measureIsolatedStandIn('isolated-honest', { sleepMs: 20, holdMiB: 768 }, 5);
    const p = m.performance;
    expect(m.environment.backend, 'the stand-in\'s own description').toBe('isolated-honest');
    expect(m.environment.pid, 'measured in another process than this one').not.toBe(process.pid);
    expect(m.environment.isolated, 'the environment says it was measured isolated').toBe(true);
    expect(p.samplesMs, 'the child\'s warm runs').toHaveLength(5);
    for (const v of [p.firstCallMs, p.shortAudio.latencyMs, ...p.samplesMs]) expect(v, 'each call sleeps 20 ms').toBeGreaterThanOrEqual(19);
    expect(m.callTimingsMs, 'the child\'s engine timings: the first call and each warm run').toHaveLength(6);
    expect(m.transcripts.audio.map((t) => t.text)).toEqual(Array(6).fill('the same words'));
    const o = p.outside!;
    expect(o.callWallMs, 'no per-call wall time: the calls were made in the child').toBeUndefined();
    expect(o.measurementWallMs, 'the wall time around the whole measurement holds every call the child timed').toBeGreaterThanOrEqual(p.loadMs + p.firstCallMs + p.shortAudio.latencyMs + sum(p.samplesMs));
    expect(o.processMemory?.rssBytes, 'the child\'s VmRSS, read from /proc: it holds 768 MiB').toBeGreaterThanOrEqual(768 * 2 ** 20);
    expect(process.memoryUsage().rss, 'control: this process is smaller than the child (else this shows nothing)').toBeLessThan(768 * 2 ** 20);
    expect(o.disagreements, 'an honest child: no disagreement').toEqual([]);
  });

  it('a child whose times add up to more than the measurement took is flagged, with the exact sum', async () => {
    // a load of a minute claimed by a child that returns in seconds
    const m = await measureIsolatedStandIn('isolated-claims-more', { loadMs: 60_000, reportMs: 3 }, 5);
    const o = m.performance.outside!;
    expect(o.disagreements, 'load + first call + short clip + 5 warm runs, against the wall time around them').toEqual([{ call: 'measurement', reportedMs: 60_000 + 3 + 3 + 5 * 3, wallMs: o.measurementWallMs, kind: 'more' }]);
    expect(o.measurementWallMs).toBeLessThan(60_000);
  });

  it('a child whose times add up to far less than the measurement took is not flagged: that wall time also holds what the child does not time', async () => {
    const m = await measureIsolatedStandIn('isolated-claims-less', { loadMs: 1, reportMs: 1, sleepMs: 60 }, 5);
    const o = m.performance.outside!;
    // control: by the rule for a single call, 8 ms claimed (a load and 7 calls of 1 ms) for 7 calls of 60 ms each is "less"
    expect(timeDisagreement('measurement', 8, o.measurementWallMs!)?.kind, 'control: the claim is under half the wall time').toBe('less');
    expect(o.disagreements, 'under half is not judged for a whole measurement').toEqual([]);
  });
});

describe('measurePerformance in this process (no isolation, not a worker)', () => {
  it('takes the memory figures from this process: the peak RSS is at least the RSS after the runs; nothing is measured from outside', async () => {
    const { backend, module } = await standIn('in-process', { sleepMs: 5 });
    const { performance: p } = await measurePerformance({ backend, module, options: {}, availability: { ok: true } }, { audio: AUDIO, shortAudio: silence(1), runs: 3 });
    // getrusage's maxRSS is in KiB: the peak in bytes can never be under a resident size in bytes
    expect(p.memory.hostPeakRssBytes, 'peak RSS (getrusage maxRSS, KiB, in bytes) >= RSS after the runs').toBeGreaterThanOrEqual(p.memory.hostRssAfterRunsBytes);
    expect(p.outside, 'a backend in this process has no outside').toBeUndefined();
    expect(p.samplesMs, 'the harness\'s own clock around each call').toHaveLength(3);
  });
});

describe('measurePerformance: the backend is disposed after measuring', () => {
  it('when the measurement ends, and when a call fails part-way', async () => {
    const ok = scripted('disposed-after', { reports: Array(7).fill(5) });
    await measure(ok, 5);
    // the worker hears dispose asynchronously: it leaves its file soon after, or never
    await vi.waitFor(() => expect(disposed(ok), 'the worker was asked to dispose after the measurement').toBe(true), { timeout: 30_000, interval: 50 });
    const fails = scripted('fails-part-way', { reports: Array(7).fill(5), failAt: 3 });
    await expect(measure(fails, 5), 'the second warm run fails').rejects.toThrow(/the scripted failure/);
    await vi.waitFor(() => expect(disposed(fails), 'the worker was asked to dispose after a failed call').toBe(true), { timeout: 30_000, interval: 50 });
  });
});

describe('measurePerformance: determinism over the first call and every warm run', () => {
  type Out = NonNullable<Script['outputs']>[number];
  const same: Out = { text: 'the same words', tokens: [1, 2, 3] };
  // calls in order: the first call, the short clip (not compared: other audio), then 3 warm runs
  const outputs = (warm: Out[], first: Out = same): Out[] => [first, { text: 'short', tokens: [9] }, ...warm];
  const determinism = async (name: string, o: Out[]) => (await measure(scripted(name, { reports: Array(5).fill(5), outputs: o }), 3)).performance.determinism;

  it('identical answers: one distinct output over the first call and the warm runs (the short clip is other audio)', async () => {
    expect(await determinism('same', outputs([same, same, same]))).toEqual({ runs: 4, distinctOutputs: 1, deterministic: true });
  });

  it('the same text with other tokens on one warm run is another output', async () => {
    expect(await determinism('tokens-differ', outputs([same, { text: same.text, tokens: [1, 2, 4] }, same]))).toEqual({ runs: 4, distinctOutputs: 2, deterministic: false });
  });

  it('without tokens, the text alone decides; the first call counts too', async () => {
    const t = (text: string): Out => ({ text, tokens: null });
    expect(await determinism('text-only', outputs([t('a'), t('a'), t('a')], t('b')))).toEqual({ runs: 4, distinctOutputs: 2, deterministic: false });
  });
});

describe('timeDisagreement: the rule, at its edges', () => {
  // the rule as its doc comment states it: more than the call took beyond 1% + 1 ms of clock
  // granularity cannot be; under half of it with more than 20 ms missing is suspicious
  it('a claim above the wall time by more than 1% + 1 ms is "more"; at the edge it is not', () => {
    expect(timeDisagreement('1', 1000 * 1.01 + 1 + 0.001, 1000)).toEqual({ call: '1', reportedMs: 1000 * 1.01 + 1 + 0.001, wallMs: 1000, kind: 'more' });
    expect(timeDisagreement('1', 1000 * 1.01 + 1, 1000), 'exactly 1% + 1 ms over: within granularity').toBeUndefined();
    expect(timeDisagreement('1', 1010.5, 1000), 'within 1% + 1 ms').toBeUndefined();
    expect(timeDisagreement('1', 1000, 1000)).toBeUndefined();
    // 1 ms of granularity matters for short calls: 2 ms reported around a 1 ms call is fine, 2.1 is not
    expect(timeDisagreement('s', 2, 1)).toBeUndefined();
    expect(timeDisagreement('s', 2.1, 1)?.kind).toBe('more');
  });

  it('a claim under half the wall time is "less" only when more than 20 ms are missing', () => {
    expect(timeDisagreement('2', 100, 300)).toEqual({ call: '2', reportedMs: 100, wallMs: 300, kind: 'less' });
    expect(timeDisagreement('2', 150, 300), 'exactly half: not under it').toBeUndefined();
    expect(timeDisagreement('2', 149, 300)?.kind).toBe('less');
    expect(timeDisagreement('2', 200, 300), 'two thirds of the call').toBeUndefined();
    // under half, but 20 ms or less unaccounted for: a short call's fixed costs
    expect(timeDisagreement('2', 10, 30), '20 ms missing exactly').toBeUndefined();
    expect(timeDisagreement('2', 10, 30.5)?.kind).toBe('less');
    expect(timeDisagreement('2', 1, 15), 'under half, 14 ms missing').toBeUndefined();
    // more than 20 ms missing but not under half
    expect(timeDisagreement('2', 60, 100)).toBeUndefined();
  });
});
