import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../backends/index.ts';
import type { Backend, LoadedBackend } from '../../backends/types.ts';
import { PARITY_MODELS } from '../../fixtures/generate.ts';
import { readManifest } from '../audio/manifest.ts';
import { loadConfig, type Config } from '../config/load-config.ts';
import { readReport } from '../report/report-file.ts';
import type { BackendReport, Report } from '../report/report-types.ts';
import { runGate } from './gate-run.ts';
import { planBackend, type GatePlan } from './plan-backends.ts';

/**
 * The baseline cache, through the gate run the CLI uses: a second run reuses every transcript
 * and teacher-forced logit (the real baseline is not called at all) with identical results; a
 * different model or decoding setting is a miss; a damaged entry is recomputed with a notice;
 * --no-cache neither reads nor writes. The baseline is wrapped only to count its real calls.
 */
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-baseline-cache-'));
const base = loadConfig();
// in-process, so the counting wrapper sees the calls; the cache itself does not care where the backend runs
const config: Config = { ...base, isolation: { ...base.isolation, enabled: false }, thresholds: { ...base.thresholds, evidence: 'point' } };
const cases = readManifest(base.fixtures).filter((c) => ['speech-01', 'speech-02'].includes(c.id));

function counting(b: Backend) {
  const calls = { transcribe: 0, forcedLogits: 0 };
  const backend: Backend = {
    ...b,
    async load(o) {
      const l = await b.load(o);
      const wrapped: LoadedBackend = {
        loadMs: l.loadMs,
        transcribe: (a) => (calls.transcribe++, l.transcribe(a)),
        forcedLogits: (a, t) => (calls.forcedLogits++, l.forcedLogits!(a, t)),
        describe: () => l.describe(),
        dispose: () => l.dispose(),
      };
      return wrapped;
    },
  };
  return { calls, backend };
}

/** `withDevice: false`: the baseline alone, enough where only its transcripts matter (a device is what asks for logits). */
async function gate(dir: string | undefined, baselineOptions: { model?: string; language?: string } = {}, withDevice = true) {
  const b = counting(backends['cpu-fp32']!);
  const baseline = { ...(await planBackend({ name: 'cpu-fp32', backend: 'cpu-fp32' }, 'baseline', 'test', baselineOptions)), backend: b.backend, module: undefined }; // in memory: counted in this process, not loaded from its file
  const plan: GatePlan = { baseline, devices: withDevice ? [await planBackend({ name: 'cpu-fp16', backend: 'cpu-fp16' }, 'device', 'test')] : [] };
  const notes: string[] = [];
  const report = await runGate({ config, plan, accuracy: { cases }, baselineCache: dir ? { dir } : undefined }, { note: (m) => notes.push(m) });
  const of = (role: BackendReport['role']) => report.backends.find((x) => x.role === role)!;
  return { report, calls: b.calls, notes, use: of('baseline').baselineCache, device: withDevice ? of('device') : undefined };
}

/** What the device comparison concluded, case by case: must not change whether the baseline came from disk or not. */
const outcome = (r: Report) => r.backends.find((b) => b.role === 'device')!.accuracy!.cases.map((c) => ({ id: c.id, baselineText: c.baselineText, deviceText: c.deviceText, wer: c.wer, tokenParity: c.tokenParity }));

let warm: string;
let first: Awaited<ReturnType<typeof gate>>;
/** A copy of the warm cache for one test: no test sees another's changes. */
const warmCopy = (name: string) => {
  const d = join(tmp, name);
  cpSync(warm, d, { recursive: true });
  return d;
};

describe('the baseline cache', () => {
  beforeAll(async () => {
    warm = join(tmp, 'warm');
    first = await gate(warm);
  });

  it('a first run computes and stores every case; a second reuses them all without calling the baseline, with identical results', async () => {
    expect(first.calls).toEqual({ transcribe: 2, forcedLogits: 2 });
    expect(first.use).toMatchObject({ transcripts: { lookups: 2, hits: 0 }, logits: { lookups: 2, hits: 0 }, fromRuns: [], problems: [] });
    const second = await gate(warmCopy('hit'));
    expect(second.calls).toEqual({ transcribe: 0, forcedLogits: 0 });
    // the run it came from is named: the first run
    expect(second.use).toMatchObject({ transcripts: { lookups: 2, hits: 2 }, logits: { lookups: 2, hits: 2 }, fromRuns: [first.use!.run], problems: [] });
    expect(second.use!.run).not.toBe(first.use!.run);
    expect(second.notes).toContain(`baseline: 2 of 2 cases from cache (run ${first.use!.run})`);
    expect(outcome(second.report)).toEqual(outcome(first.report));
    expect(second.device!.accuracy!.tokenParity.available).toBe(true);
  });

  it('another baseline model is a miss: every case recomputed', async () => {
    const r = await gate(warmCopy('model'), { model: PARITY_MODELS.fp32.replace('seed1', 'seed2') }, false);
    expect(r.calls.transcribe).toBe(2);
    expect(r.use).toMatchObject({ transcripts: { lookups: 2, hits: 0 }, fromRuns: [] });
  });

  it('another decoding setting (language) is a miss: every case recomputed', async () => {
    const r = await gate(warmCopy('language'), { language: 'de' }, false);
    expect(r.calls.transcribe).toBe(2);
    expect(r.use).toMatchObject({ transcripts: { lookups: 2, hits: 0 }, fromRuns: [] });
  });

  it('a damaged entry or logits file is recomputed with a notice, never trusted, and stored again', async () => {
    const dir = warmCopy('corrupt');
    const folder = join(dir, readdirSync(dir)[0]!);
    const files = readdirSync(folder).sort();
    const json = files.filter((f) => f.endsWith('.json'));
    const f32 = files.filter((f) => f.endsWith('.f32'));
    // one entry cut short; the other case's logits changed in place (same size: only the hash can tell)
    writeFileSync(join(folder, json[0]!), readFileSync(join(folder, json[0]!), 'utf8').slice(0, 40));
    const other = f32.find((f) => !f.startsWith(json[0]!.replace('.json', '')))!;
    const bytes = readFileSync(join(folder, other));
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(join(folder, other), bytes);
    const r = await gate(dir);
    expect(r.use!.problems).toHaveLength(2);
    expect(r.notes.filter((n) => n.startsWith('baseline cache: '))).toEqual([expect.stringMatching(/unreadable .*; recomputed$/), expect.stringMatching(/logits do not match their recorded size and hash; recomputed$/)]);
    expect(r.calls).toEqual({ transcribe: 1, forcedLogits: 2 });
    expect(outcome(r.report)).toEqual(outcome(first.report));
    const again = await gate(dir);
    expect(again.calls).toEqual({ transcribe: 0, forcedLogits: 0 });
    expect(again.use!.problems).toEqual([]);
  });

  const BIN = resolve(import.meta.dirname, '../../bin/asr-parity.mjs');
  it('through the CLI: a later process reuses the cache and says so in its output and report; --no-cache neither reads nor writes it', async () => {
    const dir = warmCopy('cli');
    // in-process backends: two process start-ups fewer per run, and the cache key does not include where the backend ran
    const cfg = join(tmp, 'cli.json');
    writeFileSync(cfg, JSON.stringify({ backends: [{ backend: 'cpu-fp16' }], isolation: { enabled: false } }));
    const cli = (...args: string[]) => execa('node', [BIN, '--config', cfg, 'compare', '--backend', 'cpu-fp16', '--audio', cases[0]!.audio, '--evidence', 'point', ...args], { reject: false, stdin: 'ignore', cwd: tmp, env: { ASR_PARITY_BASELINE_CACHE: dir } });
    const hit = await cli('--output', join(tmp, 'hit.json'), '--markdown', join(tmp, 'hit.md'));
    expect(hit.exitCode, hit.stderr).toBe(0);
    const line = `baseline: 1 of 1 cases from cache (run ${first.use!.run})`;
    expect(hit.stdout).toContain(line);
    expect(readReport(join(tmp, 'hit.json')).backends[0]!.baselineCache).toMatchObject({ dir, transcripts: { lookups: 1, hits: 1 }, logits: { lookups: 1, hits: 1 }, fromRuns: [first.use!.run] });
    expect(readFileSync(join(tmp, 'hit.md'), 'utf8')).toContain(line.replace('cases', 'transcripts'));
    expect(existsSync(join(tmp, 'hit.html')), 'compare --markdown hit.md must write hit.html beside it').toBe(true);
    // damaged: a run that read it would say so, and one that wrote would replace it
    const folder = join(dir, readdirSync(dir)[0]!);
    const entries = readdirSync(folder).filter((f) => f.endsWith('.json')).map((f) => join(folder, f));
    for (const e of entries) writeFileSync(e, 'not json');
    const before = entries.map((e) => statSync(e).mtimeMs);
    const off = await cli('--no-cache', '--output', join(tmp, 'off.json'), '--markdown', join(tmp, 'off.md'));
    expect(off.exitCode, off.stderr).toBe(0);
    expect(off.stdout).not.toMatch(/from cache|baseline cache/);
    expect(readReport(join(tmp, 'off.json')).backends[0]!.baselineCache).toBeUndefined();
    expect(readFileSync(join(tmp, 'off.md'), 'utf8')).not.toMatch(/from cache/);
    expect(entries.map((e) => readFileSync(e, 'utf8'))).toEqual(entries.map(() => 'not json'));
    expect(entries.map((e) => statSync(e).mtimeMs)).toEqual(before);
  });
});
