import { describe, expect, it } from 'vitest';
import { assembleReport, mergeFragments, mergeReports } from './assemble-report.ts';
import type { AccuracyResult, BackendReport, PerformanceResult } from './report-types.ts';
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
