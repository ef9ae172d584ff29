import { describe, expect, it } from 'vitest';
import { evidenceOf, gateFailures, scoreTranscripts, underLoadCheck, werIncreaseFailure, type PairedTranscript, type Thresholds } from '../score/gate.ts';
import { scoreAgainstReference } from '../score/ground-truth.ts';
import type { AccuracyResult, BackendReport, PerformanceResult } from './report-types.ts';
import { exitCodeOf, verdictLine, verdictOf } from './verdict.ts';

/**
 * The verdict over backends whose accuracy results come from the real gate (scored transcripts,
 * confidence bounds, thresholds), so these cases are ones a run can produce. The mutation run
 * (`npm run mutate`) found what assemble-report.test.ts left unchecked; each case here names a
 * behaviour a user relies on, not a line of code.
 */
const T: Thresholds = { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.99 };
const same = (n: number, words = 'the cat sat on the mat'): PairedTranscript[] => Array.from({ length: n }, (_, i) => ({ id: `u${i}`, baseline: words, device: words }));

/** An accuracy result as the accuracy run builds it, from transcripts and thresholds. */
function accuracy(pairs: PairedTranscript[], t: Thresholds): AccuracyResult {
  const scores = scoreTranscripts(pairs, (s) => s);
  const evidence = evidenceOf(scores, t);
  const failures = gateFailures(scores, undefined, t, evidence);
  // the verdict reads passed, failures and evidence; the rest of the result is the report's
  return { passed: failures.length === 0, failures, evidence, corpus: scores.corpus } as AccuracyResult;
}
// the verdict only asks whether a performance result exists; its figures are the report's business
const measured = {} as PerformanceResult;

const baseline: BackendReport = { name: 'cpu-fp32', backend: 'cpu-fp32', device: 'cpu', precision: 'fp32', role: 'baseline', required: true, status: 'ran' };
const device = (name: string, extra: Partial<BackendReport> = {}): BackendReport => ({ name, backend: name, device: 'cpu', precision: 'fp16', role: 'device', required: true, status: 'ran', ...extra });
// 300 utterances of 6 words, no error: the 95% bounds meet 1% WER/CER and 99% exact match
const passing = accuracy(same(300), { ...T, evidence: 'bound' });

describe('the verdict: PASS only when it checked', () => {
  it('fails a required device that ran without the result the run set out to get, naming the check', () => {
    expect(verdictOf([baseline, device('fp16')], ['accuracy'])).toEqual({ verdict: 'fail', verdictReasons: ['fp16 (required): no accuracy result'] });
  });

  it('does not fail an optional device that ran without a result, and does not claim it checked what it lacks', () => {
    const v = verdictOf([{ ...baseline, performance: measured }, device('fp16', { accuracy: passing, performance: measured }), device('gpu', { required: false, accuracy: passing })], ['accuracy', 'performance']);
    expect(v).toEqual({ verdict: 'pass', verdictReasons: ['fp16: accuracy gate passed, performance measured', 'gpu: accuracy gate passed'] });
  });

  it('says what each passing device was checked for, in a performance-only run too', () => {
    expect(verdictOf([{ ...baseline, performance: measured }, device('fp16', { performance: measured })], ['performance'])).toEqual({ verdict: 'pass', verdictReasons: ['fp16: performance measured'] });
  });

  it("fails on a device's missed threshold with the gate's own words, prefixed by the backend", () => {
    const missed = accuracy([{ id: 'u0', baseline: 'the cat sat', device: 'the dog sat' }], { ...T, evidence: 'point' });
    const v = verdictOf([baseline, device('fp16', { accuracy: missed })], ['accuracy']);
    expect(v.verdict).toBe('fail');
    expect(v.verdictReasons).toEqual(missed.failures.map((f) => `fp16: ${f}`));
    expect(v.verdictReasons).toContain('fp16: u0: WER 33.33%, CER 33.33% (WER >= 1.00%, CER >= 1.00%)');
  });

  it('says whether a required backend failed or did not run, and never leaves the reason blank', () => {
    const v = verdictOf([baseline, device('fp16', { accuracy: passing }), device('cmd', { status: 'failed', reason: 'exited with 1' }), device('npu', { status: 'skipped' })], ['accuracy']);
    expect(v.verdictReasons).toEqual(['cmd (required) failed: exited with 1', 'npu (required) did not run: no reason recorded']);
    const optional = [baseline, device('fp16', { accuracy: passing }), device('npu', { status: 'skipped', required: false })];
    expect(verdictOf(optional, ['accuracy']).verdictReasons).toContain('npu (optional) not run: no reason recorded');
    expect(verdictLine({ verdict: 'pass', backends: optional })).toBe('verdict: PASS; npu not run (optional): no reason recorded');
  });

  it('is incomplete when only the baseline was measured, saying what was missing and which backends did not run', () => {
    const v = verdictOf([{ ...baseline, performance: measured }, device('npu', { required: false, status: 'skipped', reason: 'no NPU' })], ['performance']);
    expect(v).toEqual({ verdict: 'incomplete', verdictReasons: ['no device backend was measured', 'npu (optional) not run: no NPU'] });
    expect(exitCodeOf(v)).toBe(1);
  });

  it('is incomplete when no device was compared for accuracy', () => {
    expect(verdictOf([baseline], ['accuracy'])).toEqual({ verdict: 'incomplete', verdictReasons: ['no device backend was compared with the baseline'] });
  });

  it('does not count an optional device that failed part-way as compared, even with the accuracy it got before failing', () => {
    // gate-run keeps the accuracy of a backend that then failed during teacher forcing
    const v = verdictOf([baseline, device('gpu', { required: false, status: 'failed', reason: 'crashed during teacher forcing', accuracy: passing })], ['accuracy']);
    expect(v).toEqual({ verdict: 'incomplete', verdictReasons: ['no device backend was compared with the baseline', 'gpu (optional) not run: crashed during teacher forcing'] });
  });

  it('exits 0 for PASS only', () => {
    expect(exitCodeOf({ verdict: 'pass' })).toBe(0);
    expect(exitCodeOf({ verdict: 'fail' })).toBe(1);
    expect(exitCodeOf({ verdict: 'incomplete' })).toBe(1);
  });
});

describe('the verdict line says how far the data supports the verdict', () => {
  it('names insufficient evidence when any one backend failed for it', () => {
    // 3 utterances of 6 words: no error, but the 95% bounds are far above 1% (evidence "bound")
    const thin = accuracy(same(3), { ...T, evidence: 'bound' });
    expect(thin.failures.some((f) => f.includes('insufficient evidence'))).toBe(true);
    const backends = [baseline, device('fp16', { accuracy: passing }), device('gpu', { accuracy: thin })];
    const v = verdictOf(backends, ['accuracy']);
    expect(v.verdict).toBe('fail');
    expect(verdictLine({ verdict: v.verdict, backends })).toBe('verdict: FAIL (insufficient evidence: the data cannot support a threshold, see the report)');
  });

  it('does not call a FAIL "on observed values only" because another device passed that way', () => {
    const missed = accuracy([{ id: 'u0', baseline: 'the cat sat', device: 'the dog sat' }], { ...T, evidence: 'point' });
    // fp16 passes on the observed values of 3 utterances only; gpu misses a threshold
    const backends = [baseline, device('fp16', { accuracy: accuracy(same(3), { ...T, evidence: 'point' }) }), device('gpu', { accuracy: missed })];
    const v = verdictOf(backends, ['accuracy']);
    expect(v.verdict).toBe('fail');
    expect(verdictLine({ verdict: v.verdict, backends })).toBe('verdict: FAIL');
  });

  it('passes plainly when the bounds support every threshold (enough data, no errors)', () => {
    expect(passing.passed).toBe(true);
    const backends = [baseline, device('fp16', { accuracy: passing })];
    const v = verdictOf(backends, ['accuracy']);
    expect(v).toEqual({ verdict: 'pass', verdictReasons: ['fp16: accuracy gate passed'] });
    expect(verdictLine({ verdict: v.verdict, backends })).toBe('verdict: PASS');
  });
});

describe('the verdict checks the timed path and the reference text', () => {
  // the under-load check as the gate run builds it: the accuracy run's transcript against every timed call
  const heard = { text: 'the cat sat on the mat', tokens: [1, 2, 3] };
  const reference = { audio: heard, short: heard, source: 'accuracy run' as const };
  const timed = (warm: (typeof heard)[]) => ({ performance: { underLoad: underLoadCheck(reference, { audio: [heard, ...warm], short: heard }) } as PerformanceResult });

  it('fails a backend, the baseline too, whose timed transcripts differ from its accuracy path, naming the call', () => {
    const drifted = timed([heard, { text: 'the cat sat on a mat', tokens: [1, 2, 4] }]);
    expect(drifted.performance.underLoad!.passed).toBe(false);
    const onDevice = verdictOf([{ ...baseline, ...timed([heard]) }, device('fp16', { accuracy: passing, ...drifted })], ['accuracy', 'performance']);
    expect(onDevice.verdict).toBe('fail');
    expect(onDevice.verdictReasons).toEqual([expect.stringMatching(/^fp16: under performance load, 1 of 4 timed transcripts differ .*warm run 2: "the cat sat on a mat"/)]);
    const onBaseline = verdictOf([{ ...baseline, ...drifted }, device('fp16', { accuracy: passing, ...timed([heard]) })], ['accuracy', 'performance']);
    expect(onBaseline.verdictReasons).toEqual([expect.stringMatching(/^cpu-fp32: under performance load, 1 of 4 /)]);
  });

  it('passes when every timed call matched', () => {
    expect(verdictOf([{ ...baseline, ...timed([heard]) }, device('fp16', { accuracy: passing, ...timed([heard, heard]) })], ['accuracy', 'performance']).verdict).toBe('pass');
  });

  /** An accuracy result whose device is worse than the baseline against the reference text, as the accuracy run adds that failure. */
  function worseAgainstReference(t: Thresholds): AccuracyResult {
    const said = 'the cat sat on the mat';
    const pairs = same(3, said);
    const base = accuracy(pairs, t);
    const truth = scoreAgainstReference(pairs.map((p) => ({ id: p.id, reference: said, baseline: said, device: 'a dog sat on the mat' })), (s) => s, 'none', 0.95)!;
    const worse = werIncreaseFailure(truth, t)!;
    expect(worse).toMatch(/WER against the reference text rose/);
    return { ...base, passed: false, failures: [...base.failures, worse] };
  }

  it('names in the verdict line a device whose WER against the reference text rose, beside one that did not', () => {
    const risen = worseAgainstReference({ ...T, evidence: 'point', maxWerIncrease: 0.01 });
    const backends = [baseline, device('fp16', { accuracy: passing }), device('gpu', { accuracy: risen })];
    expect(verdictLine({ verdict: verdictOf(backends, ['accuracy']).verdict, backends })).toBe('verdict: FAIL (WER against the reference text rose more than maxWerIncrease, see the report)');
  });

  it('gives every reason on one line when the data is thin and the WER against the reference rose', () => {
    // 3 utterances cannot support the 95% bounds, and the device's WER against the reference rose
    const both = worseAgainstReference({ ...T, evidence: 'bound', maxWerIncrease: 0.01 });
    expect(both.failures.some((f) => f.includes('insufficient evidence'))).toBe(true);
    const backends = [baseline, device('gpu', { accuracy: both })];
    expect(verdictLine({ verdict: 'fail', backends })).toBe('verdict: FAIL (insufficient evidence: the data cannot support a threshold; WER against the reference text rose more than maxWerIncrease, see the report)');
  });
});
