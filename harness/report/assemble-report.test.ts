import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.ts';
import { ReportError } from '../errors.ts';
import { assembleReport, configSummary, mergeFragments, mergeReports } from './assemble-report.ts';
import { environmentRecord } from './environment.ts';
import type { AccuracyResult, BackendReport, PerformanceResult, Report } from './report-types.ts';
import { exitCodeOf, verdictLine, verdictOf } from './verdict.ts';

const base = { backend: 'x', device: 'cpu', precision: 'fp16', required: true } as const;
// the verdict reads only `passed` and `failures` of an accuracy result
const acc = (passed: boolean) => ({ passed, failures: passed ? [] : [{ kind: 'corpus-threshold', metric: 'wer', observed: 0.5, limit: 0.01, message: 'corpus: WER 50.00% >= 1.00%' }] }) as unknown as AccuracyResult;
const baseline: BackendReport = { ...base, name: 'a', role: 'baseline', status: 'ran' };

describe('assembling a report from suite fragments', () => {
  it("merges one backend's fragments, keeping the worst status and only its reason", () => {
    const skipped: BackendReport = { ...base, name: 'b', role: 'device', status: 'skipped', reason: 'no NPU' };
    const ran: BackendReport = { ...base, name: 'b', role: 'device', status: 'ran', environment: { threads: 2 } };
    const failed: BackendReport = { ...base, name: 'b', role: 'device', status: 'failed', reason: 'crashed' };
    expect(mergeFragments([skipped, ran])).toEqual([{ ...ran, accuracy: undefined, performance: undefined }]);
    expect(mergeFragments([ran, failed])[0]).toMatchObject({ status: 'failed', reason: 'crashed', environment: { threads: 2 } });
  });

  it('keeps a backend required when any fragment says so, in either order', () => {
    const required: BackendReport = { ...base, name: 'b', role: 'device', status: 'ran' };
    const optional: BackendReport = { ...required, required: false };
    expect(mergeFragments([required, optional])[0]!.required).toBe(true);
    expect(mergeFragments([optional, required])[0]!.required).toBe(true);
    expect(mergeFragments([optional, optional])[0]!.required).toBe(false);
  });

  it('puts the baseline first', () => {
    const merged = mergeFragments([{ ...base, name: 'd', role: 'device', status: 'skipped', reason: 'no GPU' }, baseline]);
    expect(merged.map((b) => b.name)).toEqual(['a', 'd']);
  });
});

describe('the verdict', () => {
  const device = (name: string, extra: Partial<BackendReport>): BackendReport => ({ ...base, name, role: 'device', status: 'ran', accuracy: acc(true), ...extra });

  it('passes when every required backend ran and passed, naming optional ones that did not run', () => {
    const v = verdictOf([baseline, device('fp16', {}), device('npu', { required: false, status: 'skipped', reason: 'no NPU', accuracy: undefined })], ['accuracy']);
    expect(v.verdict).toBe('pass');
    expect(v.verdictReasons).toContainEqual({ kind: 'optional-not-run', backend: 'npu', message: 'npu (optional) not run: no NPU' });
  });

  it('fails when a required backend did not run, failed, or lacks a result for a check', () => {
    expect(verdictOf([baseline, device('npu', { status: 'skipped', reason: 'no NPU', accuracy: undefined })], ['accuracy'])).toEqual({ verdict: 'fail', verdictReasons: [{ kind: 'not-run', backend: 'npu', message: 'npu (required) did not run: no NPU' }] });
    expect(verdictOf([baseline, device('cmd', { status: 'failed', reason: 'exited with 1' })], ['accuracy']).verdict).toBe('fail');
    expect(verdictOf([baseline, device('fp16', {})], ['accuracy', 'performance']).verdictReasons.map((x) => x.message)).toEqual(['a (required): no performance result', 'fp16 (required): no performance result']);
    expect(verdictOf([{ ...baseline, status: 'failed', reason: 'crashed' }, device('fp16', {})], ['accuracy']).verdict).toBe('fail');
  });

  it('fails a device that missed a threshold, optional or not', () => {
    expect(verdictOf([baseline, device('fp16', { accuracy: acc(false) })], ['accuracy']).verdict).toBe('fail');
    expect(verdictOf([baseline, device('fp16', {}), device('gpu', { required: false, accuracy: acc(false) })], ['accuracy']).verdict).toBe('fail');
  });

  it('is incomplete, not a pass, when no device backend was compared', () => {
    const v = verdictOf([baseline, device('npu', { required: false, status: 'skipped', reason: 'no NPU', accuracy: undefined })], ['accuracy']);
    expect(v.verdict).toBe('incomplete');
    expect(exitCodeOf(v)).toBe(1);
  });

  it('says when a pass rests on observed values the data alone would not support (evidence "point")', () => {
    const rate = { point: 0, upper: 0.05, confidence: 0.95, errors: 0, units: 59, utterances: 17, method: 'm', unitsNeeded: 299 };
    const evidence = (sufficient: boolean) => ({ mode: 'point', confidence: 0.95, wer: { ...rate, sufficient }, cer: { ...rate, sufficient }, exactMatch: { point: 1, lower: 0.84, matches: 17, utterances: 17, sufficient, utterancesNeeded: 299 } });
    const thin = [baseline, device('fp16', { accuracy: { ...acc(true), evidence: evidence(false) } as AccuracyResult })];
    const v = verdictOf(thin, ['accuracy']);
    expect(v.verdict).toBe('pass');
    expect(v.verdictReasons.map((x) => x.message)).toContain('fp16: passed on the observed values only (evidence "point"): too few samples for the 95% bounds to support the thresholds');
    expect(verdictLine({ verdict: v.verdict, backends: thin })).toBe('verdict: PASS (on observed values only: too few samples for the confidence bounds, see the report)');
    const ample = [baseline, device('fp16', { accuracy: { ...acc(true), evidence: evidence(true) } as AccuracyResult })];
    expect(verdictLine({ verdict: verdictOf(ample, ['accuracy']).verdict, backends: ample })).toBe('verdict: PASS');
  });

  it('has a one-line form naming every backend that did not run', () => {
    const backends = [baseline, device('fp16', {}), device('npu', { required: false, status: 'skipped', reason: 'no NPU' }), device('cmd', { status: 'failed', reason: 'exited with 1' })];
    expect(verdictLine({ verdict: verdictOf(backends, ['accuracy']).verdict, backends })).toBe('verdict: FAIL; npu not run (optional): no NPU; cmd failed: exited with 1');
  });
});

describe('merging reports (report --input a.json b.json)', () => {
  const config = { source: null, normalizer: 'basic' as const, thresholds: { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.9, minTop1Agreement: 0.999, marginTolerance: 0.5, evidence: 'bound' as const, confidence: 0.95, maxWerIncrease: 0.01 }, baseline: 'a', fixtures: 'cases.jsonl', fixturesSha256: null };
  const perf = { latencyMs: { mean: 10 } } as unknown as PerformanceResult;
  const gpu = (extra: Partial<BackendReport>): BackendReport => ({ ...base, name: 'gpu', role: 'device', required: false, ...extra }) as BackendReport;

  it('is INCOMPLETE when the only device was measured in one report and skipped in the other: it was never checked', () => {
    const accuracyRun = assembleReport({ config, checks: ['accuracy'], fragments: [baseline, gpu({ status: 'skipped', reason: 'no GPU then' })], environment: {} });
    const perfRun = assembleReport({ config, checks: ['performance'], fragments: [{ ...baseline, performance: perf }, gpu({ status: 'ran', performance: perf })], environment: {} });
    const merged = mergeReports([accuracyRun, perfRun]);
    expect(merged.backends.find((b) => b.name === 'gpu')).toMatchObject({ status: 'ran', required: false, performance: perf });
    expect(merged.verdict).toBe('incomplete');
  });

  it('fails a device required in one report and absent from the other check', () => {
    const accuracyRun = assembleReport({ config, checks: ['accuracy'], fragments: [baseline, gpu({ status: 'ran', required: true, accuracy: acc(true) })], environment: {} });
    const perfRun = assembleReport({ config, checks: ['performance'], fragments: [{ ...baseline, performance: perf }, gpu({ status: 'ran', required: false, performance: undefined })], environment: {} });
    const merged = mergeReports([accuracyRun, perfRun]);
    expect(merged.verdict).toBe('fail');
    expect(merged.verdictReasons.map((r) => r.message)).toEqual(['gpu (required): no performance result']);
  });
});

describe('what assembling adds to the fragments (survivors of the mutation run)', () => {
  const config = { source: null, normalizer: 'basic' as const, thresholds: { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.9, minTop1Agreement: 0.999, marginTolerance: 0.5, evidence: 'bound' as const, confidence: 0.95, maxWerIncrease: 0.01 }, baseline: 'a', fixtures: 'cases.jsonl', fixturesSha256: null };
  const timed = (mean: number) => ({ latencyMs: { mean } }) as unknown as PerformanceResult;
  const dev = (name: string, extra: Partial<BackendReport> = {}): BackendReport => ({ ...base, name, role: 'device', status: 'ran', ...extra });

  it('gives each backend its speedup over the baseline mean (the baseline 1), and none without a baseline mean', () => {
    const r = assembleReport({ config, checks: ['performance'], fragments: [{ ...baseline, performance: timed(120) }, dev('fp16', { performance: timed(40) }), dev('gpu', { performance: timed(300) })], environment: {} });
    expect(r.backends.map((b) => [b.name, b.performance?.speedup])).toEqual([['a', 1], ['fp16', 120 / 40], ['gpu', 120 / 300]]);
    const noBase = assembleReport({ config, checks: ['performance'], fragments: [baseline, dev('fp16', { performance: timed(40) })], environment: {} });
    expect(noBase.backends[1]!.performance!.speedup).toBeNull();
    // no baseline at all: no device is the measure of another
    const devicesOnly = assembleReport({ config, checks: ['performance'], fragments: [dev('fp16', { performance: timed(40) }), dev('gpu', { performance: timed(20) })], environment: {} });
    expect(devicesOnly.backends.map((b) => b.performance!.speedup)).toEqual([null, null]);
  });

  it('lists the checks once each, accuracy before performance, whatever order the parts gave them in', () => {
    const r = assembleReport({ config, checks: ['performance', 'accuracy', 'performance'], fragments: [{ ...baseline, performance: timed(1) }, dev('fp16', { accuracy: acc(true), performance: timed(1) })], environment: {} });
    expect(r.checks).toEqual(['accuracy', 'performance']);
    expect(r.verdict).toBe('pass');
  });

  it('records each skipped input once, by path, and no inputs section when none was skipped', () => {
    const skippedInputs = [{ path: 'x.ogg', reason: 'unreadable' }, { path: 'y.txt', reason: 'not audio' }, { path: 'x.ogg', reason: 'unreadable' }];
    const r = assembleReport({ config, checks: ['accuracy'], fragments: [baseline, dev('fp16', { accuracy: acc(true) })], skippedInputs, environment: {} });
    expect(r.inputs).toEqual({ skipped: [{ path: 'x.ogg', reason: 'unreadable' }, { path: 'y.txt', reason: 'not audio' }] });
    expect('inputs' in assembleReport({ config, checks: ['accuracy'], fragments: [baseline], skippedInputs: [], environment: {} })).toBe(false);
  });

  it('never passes an interrupted run: a PASS becomes INCOMPLETE, a FAIL stays FAIL, the signal named first', () => {
    const parts = { config, checks: ['accuracy'] as const, environment: {}, interrupted: { signal: 'SIGINT' } };
    const stopped = assembleReport({ ...parts, fragments: [baseline, dev('fp16', { accuracy: acc(true) })] });
    expect(stopped).toMatchObject({ verdict: 'incomplete', interrupted: { signal: 'SIGINT' } });
    expect(stopped.verdictReasons.map((r) => r.message)).toEqual(['interrupted by SIGINT: the report holds only what finished before it', 'fp16: accuracy gate passed']);
    const failed = assembleReport({ ...parts, fragments: [baseline, dev('fp16', { accuracy: acc(false) })] });
    expect(failed.verdict).toBe('fail');
    expect(failed.verdictReasons[0]).toEqual({ kind: 'interrupted', message: 'interrupted by SIGINT: the report holds only what finished before it' });
    const whole = assembleReport({ ...parts, interrupted: undefined, fragments: [baseline, dev('fp16', { accuracy: acc(true) })] });
    expect(whole.verdict).toBe('pass');
    expect('interrupted' in whole).toBe(false);
  });

  it('an interrupt that caught a backend at work names it and what it was doing (loading, or running when the stage is not known)', () => {
    const parts = { config, checks: ['accuracy'] as const, environment: {}, fragments: [baseline, dev('fp16', { accuracy: acc(true) })] };
    const loading = assembleReport({ ...parts, interrupted: { signal: 'SIGINT', backend: 'npu-port', during: 'loading' } });
    expect(loading.verdictReasons[0]!.message).toBe('interrupted by SIGINT while npu-port was loading: the report holds only what finished before it');
    const unknown = assembleReport({ ...parts, interrupted: { signal: 'SIGTERM', backend: 'npu-port' } });
    expect(unknown.verdictReasons[0]!.message).toBe('interrupted by SIGTERM while npu-port was running: the report holds only what finished before it');
  });

  it('records the environment it is given, or the machine it runs on', () => {
    expect(assembleReport({ config, checks: ['accuracy'], fragments: [baseline], environment: { cpu: 'given' } }).environment).toEqual({ cpu: 'given' });
    // the record's date is when it was taken: the rest names this machine
    const { date: _, ...here } = environmentRecord();
    expect(assembleReport({ config, checks: ['accuracy'], fragments: [baseline] }).environment).toMatchObject(here);
  });

  it('of two fragments that failed, keeps the first failure and its reason', () => {
    const merged = mergeFragments([dev('fp16', { status: 'failed', reason: 'crashed in the accuracy run' }), dev('fp16', { status: 'failed', reason: 'crashed in the performance run' })]);
    expect(merged[0]).toMatchObject({ status: 'failed', reason: 'crashed in the accuracy run' });
  });

  it("keeps one fragment's accuracy and another's performance, and the baseline first with the devices in their order", () => {
    const merged = mergeFragments([dev('fp16', { accuracy: acc(true), environment: { threads: 2 } }), dev('gpu'), baseline, dev('fp16', { performance: timed(5), environment: { cpu: 'x' } })]);
    expect(merged.map((b) => b.name)).toEqual(['a', 'fp16', 'gpu']);
    expect(merged[1]).toMatchObject({ accuracy: acc(true), performance: timed(5), environment: { threads: 2, cpu: 'x' } });
  });
});

describe('merging reports: what is refused and what is kept', () => {
  const thresholds = { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.9, minTop1Agreement: 0.999, marginTolerance: 0.5, evidence: 'bound' as const, confidence: 0.95, maxWerIncrease: 0.01 };
  const config: Report['config'] = { source: null, normalizer: 'basic', thresholds, baseline: 'a', fixtures: 'cases.jsonl', fixturesSha256: null };
  const run = (c: Report['config'], extra: Partial<Parameters<typeof assembleReport>[0]> = {}) => assembleReport({ config: c, checks: ['accuracy'], fragments: [baseline, { ...base, name: 'fp16', role: 'device', status: 'ran', accuracy: acc(true) }], environment: { cpu: 'first' }, ...extra });

  it('refuses reports of another gate (baseline, normalizer or thresholds), naming the odd file and the first', () => {
    const odd = [{ ...config, baseline: 'b' }, { ...config, normalizer: 'english' as const }, { ...config, thresholds: { ...thresholds, maxWer: 0.02 } }];
    for (const c of odd) {
      const e = (() => { try { mergeReports([run(config), run(config), run(c)], ['a.json', 'b.json', 'c.json']); } catch (x) { return x; } })();
      expect(e).toBeInstanceOf(ReportError);
      expect((e as Error).message).toMatch(/^c\.json: was made with another baseline, normalizer or thresholds than a\.json/);
      expect((e as ReportError).hint).toBe('merge only reports of the same gate');
    }
    expect(() => mergeReports([run(config), run({ ...config, fixtures: 'other.jsonl' })])).not.toThrow();
    expect(() => mergeReports([])).toThrow(new RangeError('mergeReports needs at least one report'));
  });

  it('names unnamed reports by their position', () => {
    expect(() => mergeReports([run(config), run({ ...config, baseline: 'b' })])).toThrow(/^report 2: .* than report 1/);
  });

  it("keeps the first report's config and environment, and every report's skipped inputs", () => {
    const m = mergeReports([run(config, { skippedInputs: [{ path: 'x.ogg', reason: 'unreadable' }] }), run({ ...config, fixtures: 'other.jsonl' }, { environment: { cpu: 'second' }, skippedInputs: [{ path: 'y.txt', reason: 'not audio' }] })]);
    expect(m.config.fixtures).toBe('cases.jsonl');
    expect(m.environment).toEqual({ cpu: 'first' });
    expect(m.inputs!.skipped.map((s) => s.path)).toEqual(['x.ogg', 'y.txt']);
  });
});

describe('the config a report records', () => {
  it('hashes the cases file it was given, records a folder without a hash, and a corpus only when there is one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asr-parity-config-summary-'));
    const file = join(dir, 'cases.jsonl');
    writeFileSync(file, '{"id":"u0","audio":"a.wav"}\n');
    const config = loadConfig();
    const fromFile = await configSummary(config, file);
    expect(fromFile).toEqual({ source: config.source, normalizer: config.normalizer, thresholds: config.thresholds, baseline: config.baseline.name, fixtures: file, fixturesSha256: createHash('sha256').update(readFileSync(file)).digest('hex') });
    expect(await configSummary(config, dir)).toMatchObject({ fixtures: dir, fixturesSha256: null });
    expect((await configSummary({ ...config, fixtures: file })).fixtures).toBe(file);
    const corpus = { format: 'kaldi' } as NonNullable<Report['config']['corpus']>;
    expect((await configSummary(config, dir, corpus)).corpus).toBe(corpus);
  });
});

describe('a merge of shards, and reports that carry one', () => {
  const thresholds = { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.9, minTop1Agreement: 0.999, marginTolerance: 0.5, evidence: 'bound' as const, confidence: 0.95, maxWerIncrease: 0.01 };
  const config: Report['config'] = { source: null, normalizer: 'basic', thresholds, baseline: 'a', fixtures: 'cases.jsonl', fixturesSha256: null };
  const passingParts = { config, checks: ['accuracy'] as const, fragments: [baseline, { ...base, name: 'fp16', role: 'device' as const, status: 'ran' as const, accuracy: acc(true) }], environment: {} };
  const missing = [{ kind: 'shards-missing' as const, observed: 1, message: 'shard(s) 2/3 missing from the merge' }];

  it('never passes a merge that lacks a shard, names what is missing first, and keeps a FAIL a FAIL', () => {
    const lacking = assembleReport({ ...passingParts, mergedShards: { count: 3, found: [0, 1], missing } });
    expect(lacking.verdict).toBe('incomplete');
    expect(lacking.verdictReasons.map((r) => r.message)).toEqual(['shard(s) 2/3 missing from the merge', 'fp16: accuracy gate passed']);
    expect(lacking.mergedShards).toEqual({ count: 3, found: [0, 1] });
    const failing = assembleReport({ ...passingParts, fragments: [baseline, { ...base, name: 'fp16', role: 'device', status: 'ran', accuracy: acc(false) }], mergedShards: { count: 3, found: [0, 1], missing } });
    expect(failing.verdict).toBe('fail');
    expect(failing.verdictReasons[0]!.kind).toBe('shards-missing');
    const whole = assembleReport({ ...passingParts, mergedShards: { count: 2, found: [0, 1], missing: [] } });
    expect(whole.verdict).toBe('pass');
    expect(whole.verdictReasons.map((r) => r.kind)).toEqual(['passed']);
  });

  it('records the shard a report is, and no shard fields on a report of a whole run', () => {
    const shard = { index: 1, count: 3, source: '--shard 2/3' };
    expect(assembleReport({ ...passingParts, shard }).shard).toEqual(shard);
    const plain = assembleReport(passingParts);
    expect('shard' in plain || 'mergedShards' in plain).toBe(false);
  });

  it('merging reports keeps what made a part incomplete: an interrupted part, and the shards missing from a merged one (not its other reasons)', () => {
    const stopped = assembleReport({ ...passingParts, interrupted: { signal: 'SIGTERM' } });
    const merged = mergeReports([assembleReport(passingParts), stopped]);
    expect(merged).toMatchObject({ verdict: 'incomplete', interrupted: { signal: 'SIGTERM' } });
    const lacking = assembleReport({ ...passingParts, mergedShards: { count: 3, found: [0, 1], missing } });
    const withShards = mergeReports([assembleReport(passingParts), lacking]);
    expect(withShards.verdict).toBe('incomplete');
    expect(withShards.mergedShards).toEqual({ count: 3, found: [0, 1] });
    expect(withShards.verdictReasons.filter((r) => r.kind === 'shards-missing').map((r) => r.message)).toEqual(['shard(s) 2/3 missing from the merge']);
    expect(withShards.verdictReasons.filter((r) => r.kind === 'passed')).toHaveLength(1);
  });
});
