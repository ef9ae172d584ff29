import { join, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { backends } from '../backends/index.ts';
import { PARITY_MODELS } from '../fixtures/generate.ts';
import { readManifest } from '../harness/audio/manifest.ts';
import { loadConfig, type BackendEntry, type Config } from '../harness/config/load-config.ts';
import type { Report } from '../harness/report/report-types.ts';
import { runGate } from '../harness/run/gate-run.ts';
import { planBackends } from '../harness/run/plan-backends.ts';
import { describeUnless } from './helpers/visible-skip.ts';

/**
 * Invariance (issue 22 item 3, README "Invariance"): chunked long-form decoding must agree between
 * baseline and device as sequential decoding does. On the 95 s fixture: a torch stand-in that
 * drops the last word of every transcript of at most 30 s (a chunk-boundary bug:
 * fixtures/standins/shapes_worker.py, shape "chunk") passes sequentially and is caught in
 * chunks; the shipped torch-cpu-bf16 is not; switched off, the stand-in is let through. Batching:
 * the torch engine's batched transcription (windows encoded and decoded together) on the shipped
 * torch-cpu-bf16 and on a stand-in, and that stand-in with a padding bug (every audio of a batch
 * cut to the batch's shortest) laid over it. In
 * `npm run test:extended`: Python workers decoding 95 s of audio several times each.
 */
const ROOT = resolve(import.meta.dirname, '..');
const base = loadConfig();
const CASES = ['long-speech', 'speech-01', 'passage-01', 'speech-02'];
const cases = readManifest(base.fixtures).filter((c) => CASES.includes(c.id));
const chunkBug: BackendEntry = { name: 'chunk-bug', backend: 'worker', model: PARITY_MODELS.fp32, command: ['/usr/bin/python3', join(ROOT, 'fixtures/standins/shapes_worker.py')], worker: { cwd: ROOT, device: 'cpu', dtype: 'float32', options: { shape: 'chunk' } } };
const batching = (name: string, batchBug: boolean): BackendEntry => ({ ...chunkBug, name, worker: { ...chunkBug.worker as object, options: { shape: 'batch', batchBug } } });
const config = (chunked: boolean): Config => ({
  ...base,
  baseline: { name: 'torch-cpu-fp32', backend: 'torch-cpu-fp32', model: PARITY_MODELS.fp32 },
  backends: chunked ? [chunkBug, batching('batch-bug', true), batching('batch-clean', false), { name: 'torch-cpu-bf16', backend: 'torch-cpu-bf16', model: PARITY_MODELS.fp32 }] : [chunkBug, batching('batch-bug', true)],
  thresholds: { ...base.thresholds, evidence: 'point' },
  localization: { ...base.localization, auto: false },
  invariance: { ...base.invariance, chunked, batch: chunked },
});
const gate = async (c: Config): Promise<Report> => runGate({ config: c, plan: await planBackends(c), accuracy: { cases, source: c.fixtures } });
const findings = (r: Report, name: string) => r.backends.find((b) => b.name === name)!.accuracy!.failures;
const availability = await backends['torch-cpu-bf16']!.available();

describeUnless(!availability.ok && `torch-cpu-bf16 cannot run here (${availability.reason})`, 'invariance: chunked long-form decoding and batching', () => {
  let on: Report;
  let off: Report;
  beforeAll(async () => {
    expect(cases.map((c) => c.id).sort()).toEqual([...CASES].sort());
    on = await gate(config(true));
    off = await gate(config(false));
  }, 1_800_000);

  it('a device that loses a word at each chunk boundary passes sequentially and fails in chunks, with the WER and the limit', () => {
    const f = findings(on, 'chunk-bug');
    // (the short cases are one chunk each: there it loses the word alone too)
    expect(f.filter((x) => x.kind === 'case-threshold' && x.case === 'long-speech'), 'sequentially the long case is whole').toEqual([]);
    const chunked = f.filter((x) => x.kind === 'chunked-disagreement');
    expect(chunked).toEqual([expect.objectContaining({ case: 'long-speech', metric: 'wer', limit: base.thresholds.maxWer })]);
    expect(chunked[0]!.observed).toBeGreaterThan(0);
  });

  it('the shipped torch-cpu-bf16 agrees in chunks too', () => {
    expect(findings(on, 'torch-cpu-bf16').filter((x) => x.kind === 'chunked-disagreement')).toEqual([]);
  });

  it('switched off, the chunk-bug stand-in is not named by it', () => {
    expect(findings(off, 'chunk-bug').map((x) => x.kind)).not.toContain('chunked-disagreement');
  });

  it("a device whose batches cut every audio to the batch's shortest: its longer cases' tokens differ batched, and it fails", () => {
    const b = on.backends.find((x) => x.name === 'batch-bug')!;
    const f = b.accuracy!.failures.filter((x) => x.kind === 'batch-variance');
    // one batch of four (batchSize 4): every case but the shortest loses its tail
    expect(f.length, b.accuracy!.failures.map((x) => x.message).join('; ')).toBeGreaterThanOrEqual(2);
    expect(f[0]!.message).toMatch(/batched with .*differ from its tokens alone/);
    expect(b.accuracy!.passed).toBe(false);
  });

  it("the torch engine's own batches (the stand-in without its bug, and the shipped torch-cpu-bf16) give each case's tokens alone: not named by it", () => {
    expect(findings(on, 'batch-clean').filter((x) => x.kind === 'batch-variance')).toEqual([]);
    expect(findings(on, 'torch-cpu-bf16').filter((x) => x.kind === 'batch-variance')).toEqual([]);
  });

  it('switched off, the batch-bug stand-in is not named by it', () => {
    expect(findings(off, 'batch-bug').map((x) => x.kind)).not.toContain('batch-variance');
  });
});
