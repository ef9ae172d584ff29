import { describe, expect, it } from 'vitest';
import { evidenceOf, gateFailures, scoreTranscripts, underLoadCheck, underLoadFailure, werIncreaseFailure, type PairedTranscript, type Thresholds } from '../score/gate.ts';
import { scoreAgainstReference } from '../score/ground-truth.ts';
import type { AccuracyResult, BackendReport, PerformanceResult, Report } from './report-types.ts';
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
  const read: Partial<AccuracyResult> = { passed: failures.length === 0, failures, evidence, corpus: scores.corpus };
  return read as AccuracyResult;
}
// the verdict only asks whether a performance result exists; its figures are the report's business
const measured = {} as PerformanceResult;
/** The verdict with its reasons as a person reads them (the fields behind them are checked where they are the point). */
const said = (v: Pick<Report, 'verdict' | 'verdictReasons'>) => ({ verdict: v.verdict, verdictReasons: v.verdictReasons.map((r) => r.message) });

const baseline: BackendReport = { name: 'cpu-fp32', backend: 'cpu-fp32', device: 'cpu', precision: 'fp32', role: 'baseline', required: true, status: 'ran' };
const device = (name: string, extra: Partial<BackendReport> = {}): BackendReport => ({ name, backend: name, device: 'cpu', precision: 'fp16', role: 'device', required: true, status: 'ran', ...extra });
// 300 utterances of 6 words, no error: the 95% bounds meet 1% WER/CER and 99% exact match
const passing = accuracy(same(300), { ...T, evidence: 'bound' });

describe('the verdict: PASS only when it checked', () => {
  it('fails a required device that ran without the result the run set out to get, naming the check', () => {
    expect(said(verdictOf([baseline, device('fp16')], ['accuracy']))).toEqual({ verdict: 'fail', verdictReasons: ['fp16 (required): no accuracy result'] });
  });

  it('does not fail an optional device that ran without a result, and does not claim it checked what it lacks', () => {
    const v = verdictOf([{ ...baseline, performance: measured }, device('fp16', { accuracy: passing, performance: measured }), device('gpu', { required: false, accuracy: passing })], ['accuracy', 'performance']);
    expect(said(v)).toEqual({ verdict: 'pass', verdictReasons: ['fp16: accuracy gate passed, performance measured', 'gpu: accuracy gate passed'] });
  });

  it('says what each passing device was checked for, in a performance-only run too', () => {
    expect(said(verdictOf([{ ...baseline, performance: measured }, device('fp16', { performance: measured })], ['performance']))).toEqual({ verdict: 'pass', verdictReasons: ['fp16: performance measured (accuracy not checked: its transcripts were not compared with the baseline)'] });
    const perfOnly = [{ ...baseline, performance: measured }, device('fp16', { performance: measured })];
    expect(verdictLine({ verdict: 'pass', backends: perfOnly, checks: ['performance'] })).toBe('verdict: PASS (performance only: accuracy was not checked, see the report)');
    expect(verdictLine({ verdict: 'pass', backends: perfOnly, checks: ['accuracy', 'performance'] })).toBe('verdict: PASS');
    // the caveat qualifies a PASS, the one verdict a reader could take as saying the transcripts are right
    expect(verdictLine({ verdict: 'incomplete', backends: [{ ...baseline, performance: measured }], checks: ['performance'] })).toBe('verdict: INCOMPLETE');
  });

  it("fails on a device's missed threshold with the gate's own words, prefixed by the backend", () => {
    const missed = accuracy([{ id: 'u0', baseline: 'the cat sat', device: 'the dog sat' }], { ...T, evidence: 'point' });
    const v = verdictOf([baseline, device('fp16', { accuracy: missed })], ['accuracy']);
    expect(v.verdict).toBe('fail');
    expect(v.verdictReasons).toEqual(missed.failures.map((f) => ({ ...f, backend: 'fp16', message: `fp16: ${f.message}` })));
    expect(v.verdictReasons).toContainEqual({ kind: 'case-threshold', backend: 'fp16', case: 'u0', metric: 'wer', observed: 1 / 3, limit: 0.01, message: 'fp16: u0: WER 33.33% >= 1.00%' });
  });

  it('says whether a required backend failed or did not run, and never leaves the reason blank', () => {
    const v = verdictOf([baseline, device('fp16', { accuracy: passing }), device('cmd', { status: 'failed', reason: 'exited with 1' }), device('npu', { status: 'skipped' })], ['accuracy']);
    expect(said(v).verdictReasons).toEqual(['cmd (required) failed: exited with 1', 'npu (required) did not run: no reason recorded']);
    const optional = [baseline, device('fp16', { accuracy: passing }), device('npu', { status: 'skipped', required: false })];
    expect(said(verdictOf(optional, ['accuracy'])).verdictReasons).toContain('npu (optional) not run: no reason recorded');
    expect(verdictLine({ verdict: 'pass', backends: optional })).toBe('verdict: PASS; npu not run (optional): no reason recorded');
  });

  it('is incomplete when only the baseline was measured, saying what was missing and which backends did not run', () => {
    const v = verdictOf([{ ...baseline, performance: measured }, device('npu', { required: false, status: 'skipped', reason: 'no NPU' })], ['performance']);
    expect(said(v)).toEqual({ verdict: 'incomplete', verdictReasons: ['no device backend was measured', 'npu (optional) not run: no NPU'] });
    expect(exitCodeOf(v)).toBe(1);
  });

  it('is incomplete when no device was compared for accuracy', () => {
    expect(said(verdictOf([baseline], ['accuracy']))).toEqual({ verdict: 'incomplete', verdictReasons: ['no device backend was compared with the baseline'] });
  });

  it('does not count an optional device that failed part-way as compared, even with the accuracy it got before failing', () => {
    // gate-run keeps the accuracy of a backend that then failed during teacher forcing
    const v = verdictOf([baseline, device('gpu', { required: false, status: 'failed', reason: 'crashed during teacher forcing', accuracy: passing })], ['accuracy']);
    expect(said(v)).toEqual({ verdict: 'incomplete', verdictReasons: ['no device backend was compared with the baseline', 'gpu (optional) not run: crashed during teacher forcing'] });
  });

  it('fails a report without a baseline, and a baseline marked optional that did not run: nothing was compared with anything', () => {
    const alone = verdictOf([device('fp16', { accuracy: passing })], ['accuracy']);
    expect(alone.verdict).toBe('fail');
    expect(alone.verdictReasons).toEqual([{ kind: 'no-baseline', message: 'no baseline in the report: the devices were compared with nothing' }]);
    const gone = verdictOf([{ ...baseline, required: false, status: 'failed', reason: 'crashed' }, device('fp16', { accuracy: passing })], ['accuracy']);
    expect(said(gone)).toEqual({ verdict: 'fail', verdictReasons: ['cpu-fp32 (required) failed: crashed'] });
  });

  it('does not count a device as compared without the result of each check: an optional device measured but not checked makes INCOMPLETE', () => {
    const both: ['accuracy', 'performance'] = ['accuracy', 'performance'];
    const v = verdictOf([{ ...baseline, performance: measured }, device('gpu', { required: false, performance: measured })], both);
    expect(said(v)).toEqual({ verdict: 'incomplete', verdictReasons: ['no device backend was compared with the baseline with every check (accuracy and performance)'] });
    const checkedNotMeasured = verdictOf([{ ...baseline, performance: measured }, device('gpu', { required: false, accuracy: passing })], both);
    expect(checkedNotMeasured.verdict).toBe('incomplete');
  });

  it('names only the devices that ran among those that passed: an optional one that failed part-way is not listed as passed', () => {
    // gate-run keeps the accuracy of a backend that then failed during teacher forcing
    const v = verdictOf([baseline, device('fp16', { accuracy: passing }), device('gpu', { required: false, status: 'failed', reason: 'crashed during teacher forcing', accuracy: passing })], ['accuracy']);
    expect(said(v)).toEqual({ verdict: 'pass', verdictReasons: ['fp16: accuracy gate passed', 'gpu (optional) not run: crashed during teacher forcing'] });
  });

  it('fails a device whose accuracy result failed without recording why (a report from before failures were recorded)', () => {
    const legacy = { ...passing, passed: false, failures: [] } as AccuracyResult;
    const v = verdictOf([baseline, device('fp16', { accuracy: legacy })], ['accuracy']);
    expect(v).toEqual({ verdict: 'fail', verdictReasons: [{ kind: 'legacy', backend: 'fp16', message: 'fp16: accuracy gate failed, no failure recorded' }] });
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
    expect(thin.failures.some((f) => f.kind === 'insufficient-evidence')).toBe(true);
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
    expect(said(v)).toEqual({ verdict: 'pass', verdictReasons: ['fp16: accuracy gate passed'] });
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
    expect(said(onDevice).verdictReasons).toEqual([expect.stringMatching(/^fp16: under performance load, 1 of 4 timed transcripts differ .*warm run 2: "the cat sat on a mat"/)]);
    const onBaseline = verdictOf([{ ...baseline, ...drifted }, device('fp16', { accuracy: passing, ...timed([heard]) })], ['accuracy', 'performance']);
    expect(said(onBaseline).verdictReasons).toEqual([expect.stringMatching(/^cpu-fp32: under performance load, 1 of 4 /)]);
  });

  it('compares text and tokens both: the same text with other tokens differs, and so do other text with the same tokens', () => {
    const otherTokens = underLoadCheck(reference, { audio: [heard, { text: heard.text, tokens: [1, 2, 9] }], short: heard });
    expect(otherTokens).toMatchObject({ passed: false, matching: 2, calls: 3 });
    expect(underLoadFailure(otherTokens, 'fp16')!.message).toMatch(/same text, other tokens/);
    const otherText = underLoadCheck(reference, { audio: [heard, heard], short: { text: 'the cat sat on a mat', tokens: heard.tokens } });
    expect(otherText).toMatchObject({ passed: false, matching: 2, calls: 3, differences: [{ call: 'short clip', text: 'the cat sat on a mat', referenceText: heard.text }] });
    // an engine without token ids is compared on its text alone
    const plain = { text: heard.text };
    expect(underLoadCheck({ audio: plain, short: plain, source: 'untimed run' }, { audio: [plain, plain], short: plain }).passed).toBe(true);
  });

  it('passes when every timed call matched', () => {
    expect(verdictOf([{ ...baseline, ...timed([heard]) }, device('fp16', { accuracy: passing, ...timed([heard, heard]) })], ['accuracy', 'performance']).verdict).toBe('pass');
  });

  // Against the reference text: the baseline says every utterance right, the device one word wrong in
  // 2 of 6 (the same transcripts the accuracy check compares). The paired interval has width, so a
  // limit between the observed difference and the interval's upper end tells "bound" from "point".
  const spoken = 'the cat sat on the mat';
  const heardBy = (i: number) => (i < 2 ? 'the dog sat on the mat' : spoken);
  const truth = scoreAgainstReference(Array.from({ length: 6 }, (_, i) => ({ id: `u${i}`, reference: spoken, baseline: spoken, device: heardBy(i) })), (s) => s, 'none', 0.95)!;
  const d = truth.difference;
  const between = (d.difference + d.upper) / 2;
  // loose enough that the observed transcript figures pass; the exact-match bound (4 of 6) is too thin for "bound"
  const L: Thresholds = { maxWer: 0.5, maxCer: 0.5, minExactMatchRate: 0.5 };

  /** The accuracy result the accuracy run builds for this device, with the reference-text failure it adds. */
  function againstReference(t: Thresholds): AccuracyResult {
    const base = accuracy(Array.from({ length: 6 }, (_, i) => ({ id: `u${i}`, baseline: spoken, device: heardBy(i) })), t);
    const worse = werIncreaseFailure(truth, t);
    const failures = [...base.failures, ...(worse ? [worse] : [])];
    return { ...base, passed: failures.length === 0, failures };
  }

  it('judges maxWerIncrease on the upper end of the paired interval under "bound", on the observed difference under "point"', () => {
    expect(d.upper).toBeGreaterThan(d.difference);
    expect(d.difference).toBeGreaterThan(0);
    expect(werIncreaseFailure(truth, { ...L, evidence: 'bound', maxWerIncrease: between })).toMatchObject({ kind: 'wer-increase', metric: 'werIncrease', observed: d.upper, limit: between });
    expect(werIncreaseFailure(truth, { ...L, evidence: 'point', maxWerIncrease: between })).toBeUndefined();
    expect(werIncreaseFailure(truth, { ...L, evidence: 'point', maxWerIncrease: d.difference / 2 })).toMatchObject({ observed: d.difference, limit: d.difference / 2 });
    // within the limit on either reading: no failure
    expect(werIncreaseFailure(truth, { ...L, evidence: 'bound', maxWerIncrease: d.upper * 1.01 })).toBeUndefined();
  });

  it('names in the verdict line a device whose WER against the reference text rose, beside one within the limit', () => {
    const risen = againstReference({ ...L, evidence: 'point', maxWerIncrease: d.difference / 2 });
    const within = againstReference({ ...L, evidence: 'point', maxWerIncrease: d.upper * 1.01 });
    expect(within.passed).toBe(true);
    expect(said(verdictOf([baseline, device('fp16', { accuracy: within })], ['accuracy'])).verdict).toBe('pass');
    const backends = [baseline, device('fp16', { accuracy: within }), device('gpu', { accuracy: risen })];
    const v = verdictOf(backends, ['accuracy']);
    expect(v.verdictReasons.filter((r) => r.kind === 'wer-increase').map((r) => r.backend)).toEqual(['gpu']);
    expect(verdictLine({ verdict: v.verdict, backends })).toBe('verdict: FAIL (WER against the reference text rose more than maxWerIncrease, see the report)');
  });

  it('gives every reason on one line when the data is thin and the bound of the WER increase is over the limit', () => {
    const both = againstReference({ ...L, evidence: 'bound', maxWerIncrease: between });
    expect(both.failures.map((f) => f.kind).sort()).toEqual(['insufficient-evidence', 'wer-increase']);
    const backends = [baseline, device('gpu', { accuracy: both })];
    expect(verdictLine({ verdict: 'fail', backends })).toBe('verdict: FAIL (insufficient evidence: the data cannot support a threshold; WER against the reference text rose more than maxWerIncrease, see the report)');
  });
});
