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
