import { describe, expect, it } from 'vitest';
import { groupedReasons, regressionRow, wordAlignment } from './report-view.ts';
import type { AccuracyResult, Report } from './report-types.ts';

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
  const accuracy = { cases: [{ id: 'a', exact: false, wer: 0.5, cer: 0.4, tokenParity: null }, { id: 'b', exact: false, wer: 1, cer: 1, tokenParity: null }], thresholds: { maxWer: 0.01, maxCer: 0.01 } } as unknown as AccuracyResult;
  const report = {
    verdictReasons: ['dev: a: WER 50.00%, CER 40.00% (WER >= 1.00%, CER >= 1.00%)', 'dev: b: WER 100.00%, CER 100.00% (WER >= 1.00%, CER >= 1.00%)', 'dev: corpus: WER 75.00% >= 1.00%', 'npu (optional) not run: no NPU'],
    backends: [{ name: 'dev', accuracy }],
  } as unknown as Report;

  it("fold a backend's per-case failures into one line that names the cases, keeping every other reason", () => {
    expect(groupedReasons(report)).toEqual(['dev: 2 of 2 cases over a threshold (a, b); see its failures', 'dev: corpus: WER 75.00% >= 1.00%', 'npu (optional) not run: no NPU']);
  });
});

describe('the word alignment shown in colour', () => {
  it('is the one the score counts, on the normalised texts', () => {
    const a = { normalizer: 'basic' } as AccuracyResult;
    expect(wordAlignment(a, 'The cat sat.', 'the bat sat down').map((w) => w.op)).toEqual(['C', 'S', 'C', 'I']);
  });
});
