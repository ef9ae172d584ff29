import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import worker from '../../backends/worker.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import { measurePerformance, timeDisagreement, type MeasuredPerformance } from './measure-performance.ts';

/**
 * Each figure measurePerformance reports, related to the raw samples it came from, in run order
 * (issue 24: sorting the samples or swapping RTF and RTFx passed every test), and the figures
 * taken from outside a worker (issue 21 item 5): its process's memory and CPU time from /proc,
 * the harness's own clock around each call against what the worker claims.
 *
 * The workers are real processes speaking the protocol, scripted: each reports the time it is
 * told to report (so the figures are exact whatever the machine's load), and sleeps, burns CPU
 * or allocates as told. A liar is a worker whose claim the harness can contradict.
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
}

function scripted(name: string, s: Script): string[] {
  const f = join(dir, `${name}.mjs`);
  writeFileSync(
    f,
    `import { createInterface } from 'node:readline';
const s = ${JSON.stringify(s)};
let held, call = 0;
const reply = (req, value) => process.stdout.write(JSON.stringify({ id: req.id, ok: true, value }) + '\\n');
const burn = (ms) => { const u = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; }; const t = u(); while (u() - t < ms); };
createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  if (req.op === 'hello') reply(req, { protocol: 1, engine: ${JSON.stringify(name)} });
  else if (req.op === 'load') { if (s.holdMiB) held = Buffer.alloc(s.holdMiB * 2 ** 20, 1); reply(req, { loadMs: 1, description: { engine: ${JSON.stringify(name)} }, capabilities: ['tokens'] }); }
  else if (req.op === 'transcribe') {
    const totalMs = s.reports[call++];
    burn(s.burnCpuMs ?? 0);
    const out = s.outputs?.[call - 1] ?? { text: 'the same words', tokens: [1, 2, 3] };
    setTimeout(() => reply(req, { text: out.text, ...(out.tokens ? { tokens: out.tokens } : {}), timings: { totalMs } }), s.sleepMs ?? 0);
  } else if (req.op === 'dispose') reply(req, null);
});
`,
  );
  return [process.execPath, f];
}

const silence = (seconds: number): Audio16k => ({ samples: new Float32Array(16000 * seconds), sampleRate: 16000, duration: seconds, source: { path: `silence-${seconds}s.wav` } }) as unknown as Audio16k;
const AUDIO = silence(4);

async function measure(command: string[], runs: number): Promise<MeasuredPerformance> {
  const options = { worker: { command, callTimeoutMs: 120_000, loadTimeoutMs: 120_000 } };
  return measurePerformance({ backend: worker, options, availability: { ok: true } }, { audio: AUDIO, shortAudio: silence(1), runs });
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
