import { describe, expect, it } from 'vitest';
import { evidenceOf, gateFailures, scoreTranscripts, type PairedTranscript } from '../score/gate.ts';
import { evidenceView, groupedReasons, regressionRow, summaryRows, wordAlignment } from './report-view.ts';
import type { AccuracyResult, BackendReport, Report } from './report-types.ts';

describe('regression rows', () => {
  it('format rates as percentages with the change in percentage points and relative to before', () => {
    expect(regressionRow({ backend: 'b', metric: 'corpus WER', before: 0.25, after: 0.4166666666666667, unit: 'fraction' })).toEqual({ backend: 'b', metric: 'corpus WER', before: '25.00%', after: '41.67%', change: '+16.67 pp', relative: '+66.7%' });
    expect(regressionRow({ backend: 'b', metric: 'exact-match rate', before: 1, after: 0.9, unit: 'fraction' })).toMatchObject({ change: '-10.00 pp', relative: '-10.0%' });
  });

  it('format latency in ms, and read the unit from the metric name in reports that predate the unit field', () => {
    expect(regressionRow({ backend: 'b', metric: 'mean latency (ms)', before: 1000, after: 1139.1687706000005 })).toMatchObject({ before: '1000.0 ms', after: '1139.2 ms', change: '+139.2 ms', relative: '+13.9%' });
  });

  it('give no relative change from zero', () => {
    expect(regressionRow({ backend: 'b', metric: 'corpus CER', before: 0, after: 0.02, unit: 'fraction' }).relative).toBe('n/a (before was 0)');
  });
});

describe('the verdict reasons', () => {
  // case ids a sentence could not carry: "corpus" (the corpus's own prefix) and one holding ": "
  const fails = [
    { kind: 'case-threshold', case: 'corpus', metric: 'wer', observed: 0.5, limit: 0.01, message: 'corpus: WER 50.00% >= 1.00%' },
    { kind: 'case-threshold', case: 'b: c', metric: 'cer', observed: 1, limit: 0.01, message: 'b: c: CER 100.00% >= 1.00%' },
    { kind: 'corpus-threshold', metric: 'wer', observed: 0.75, limit: 0.01, message: 'corpus: WER 75.00% >= 1.00%' },
  ] as const;
  const accuracy = { cases: [{ id: 'corpus' }, { id: 'b: c' }, { id: 'b' }], failures: fails } as unknown as AccuracyResult;
  const report = {
    verdictReasons: [...fails.map((f) => ({ ...f, backend: 'dev', message: `dev: ${f.message}` })), { kind: 'optional-not-run', backend: 'npu', message: 'npu (optional) not run: no NPU' }],
    backends: [{ name: 'dev', accuracy }],
  } as unknown as Report;

  it("fold a backend's per-case failures into one line that names the cases, keeping every other reason", () => {
    expect(groupedReasons(report)).toEqual(['dev: 2 of 3 cases over a threshold (corpus, b: c); see its failures', 'dev: corpus: WER 75.00% >= 1.00%', 'npu (optional) not run: no NPU']);
  });
});

describe('the word alignment shown in colour', () => {
  it('is the one the score counts, on the normalised texts', () => {
    const a = { normalizer: 'basic' } as AccuracyResult;
    expect(wordAlignment(a, 'The cat sat.', 'the bat sat down').map((w) => w.op)).toEqual(['C', 'S', 'C', 'I']);
  });
});

describe('words that do not mislead (issue 21 item 7)', () => {
  const t = { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.9, minTop1Agreement: 0.999, marginTolerance: 0.5, evidence: 'bound' as const, confidence: 0.95, maxWerIncrease: 0.01 };
  /** An accuracy result as the gate makes it, for the fields the summary and the evidence table read. */
  const judged = (pairs: PairedTranscript[]) => {
    const scores = scoreTranscripts(pairs, (s) => s);
    const evidence = evidenceOf(scores, t);
    const failures = gateFailures(scores, undefined, t, evidence);
    return { passed: failures.length === 0, failures, evidence, thresholds: t, corpus: scores.corpus } as unknown as AccuracyResult;
  };
  const summaryOf = (a: AccuracyResult) => {
    const dev = { name: 'dev', role: 'device', status: 'ran', accuracy: a } as BackendReport;
    return summaryRows({ checks: ['accuracy'], backends: [dev] } as unknown as Report, [dev]).find((r) => r.label.startsWith('accuracy'))!.cells[0]!;
  };

  it('a corpus that clearly fails (0 of 4 exact, WER over 100%) is a FAIL in the evidence table, not "insufficient evidence"', () => {
    const wrong = judged(Array.from({ length: 4 }, (_, i) => ({ id: `u${i}`, baseline: 'the cat sat', device: 'a dog stood up there now' })));
    expect(wrong.corpus.exactMatches).toBe(0);
    expect(wrong.corpus.wer).toBeGreaterThan(1);
    const rows = evidenceView(wrong).rows;
    expect(rows.map((r) => r.judgement)).toEqual(rows.map(() => 'no: the observed value already misses the threshold (FAIL)'));
    expect(summaryOf(wrong)).toMatch(/^FAIL \(4 cases over a threshold; corpus WER, CER, exact match beyond the threshold\): WER /);
  });

  it('a FAIL with every transcript identical says why: too few utterances for the bounds', () => {
    const thin = judged(Array.from({ length: 5 }, (_, i) => ({ id: `u${i}`, baseline: 'the cat sat on the mat', device: 'the cat sat on the mat' })));
    expect(summaryOf(thin)).toBe('FAIL (insufficient evidence for WER, CER, exact match): WER 0.00%, CER 0.00%, exact 5/5, texts identical');
    expect(evidenceView(thin).rows.map((r) => r.judgement)).toEqual(['no: insufficient evidence', 'no: insufficient evidence', 'no: insufficient evidence']);
  });
});
