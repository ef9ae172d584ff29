import { create } from 'xmlbuilder2';
import { describe, expect, it } from 'vitest';
import { renderCsv } from './render-csv.ts';
import { renderJunit } from './render-junit.ts';
import type { AccuracyResult, BackendReport, CaseResult, Report } from './report-types.ts';
import { verdictOf } from './verdict.ts';

// the writers read these fields of a case and an accuracy result; the rest of the report is as the gate writes it
const kase = (id: string, wer: number, deviceText: string): CaseResult => ({ id, audio: `/a/${id}.wav`, audioFormat: 'wav/pcm16', kind: 'speech', audioSeconds: 2, baselineText: 'the cat sat', deviceText, wer, cer: wer, exact: wer === 0, hits: 3, substitutions: wer ? 1 : 0, deletions: 0, insertions: 0, refWords: 3, alignment: `REF: the cat sat\nHYP: ${deviceText}`, tokenParity: null });
const accuracy = { passed: false, failures: [{ kind: 'case-threshold', case: 'c2', metric: 'wer', observed: 1 / 3, limit: 0.01, message: 'c2: WER 33.33% >= 1.00%' }, { kind: 'corpus-threshold', metric: 'wer', observed: 1 / 6, limit: 0.01, message: 'corpus: WER 16.67% >= 1.00%' }], corpus: { utterances: 2, wer: 1 / 6, cer: 1 / 6, exactMatches: 1 }, evidence: { mode: 'point' }, cases: [kase('c1', 0, 'the cat sat'), kase('c2', 1 / 3, 'the "cat", sad')] } as unknown as AccuracyResult;
const base = { backend: 'x', device: 'cpu', precision: 'fp16', required: true } as const;
const backends: BackendReport[] = [
  { ...base, name: 'cpu-fp32', role: 'baseline', status: 'ran' },
  { ...base, name: 'cpu-fp16', role: 'device', status: 'ran', accuracy },
  { ...base, name: 'npu', role: 'device', status: 'skipped', reason: 'no NPU' },
  { ...base, name: 'gpu', role: 'device', status: 'skipped', reason: 'no GPU', required: false },
];
const report = { ...verdictOf(backends, ['accuracy']), checks: ['accuracy'], backends } as unknown as Report;

describe('JUnit XML from a report', () => {
  // parsed back by xmlbuilder2's DOM parser, which decodes entities as any XML reader does
  const root = create(renderJunit(report)).root().node as unknown as Element;
  const suites = [...root.getElementsByTagName('testsuite')];
  const byName = (n: string) => suites.find((s) => s.getAttribute('name') === n)!;
  const cases = (n: string) => [...byName(n).getElementsByTagName('testcase')];
  const child = (e: Element, tag: string) => e.getElementsByTagName(tag)[0];
  const counts = (e: Element) => ['tests', 'failures', 'errors', 'skipped'].map((a) => e.getAttribute(a));

  it('fails the case the gate failed, with its alignment, and the corpus with the corpus-wide failure', () => {
    const [c1, c2, corpus] = cases('cpu-fp16 accuracy');
    expect(child(c1!, 'failure')).toBeUndefined();
    expect(child(c2!, 'failure')!.getAttribute('message')).toBe('c2: WER 33.33% >= 1.00%');
    expect(child(c2!, 'failure')!.textContent).toContain('HYP: the "cat", sad');
    expect(child(corpus!, 'failure')!.getAttribute('message')).toBe('corpus: WER 16.67% >= 1.00%');
    expect(counts(byName('cpu-fp16 accuracy'))).toEqual(['3', '2', '0', '0']);
  });

  it('a required backend that did not run is an error, an optional one a skip, and the verdict a failure', () => {
    expect(child(cases('npu accuracy')[0]!, 'error')!.getAttribute('message')).toBe('did not run (required): no NPU');
    expect(child(cases('gpu accuracy')[0]!, 'skipped')!.getAttribute('message')).toBe('not run (optional): no GPU');
    expect(child(cases('verdict')[0]!, 'failure')!.getAttribute('message')).toMatch(/^verdict: FAIL/);
    expect(counts(root)).toEqual(['6', '3', '1', '1']);
  });
});

describe('CSV from a report', () => {
  it('one row per device case, passed as the gate judged it, transcripts quoted', () => {
    const lines = renderCsv(report).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^cpu-fp16,c1,\/a\/c1\.wav,wav\/pcm16,speech,2,true,true,0,0,/);
    expect(lines[2]).toMatch(/^cpu-fp16,c2,\/a\/c2\.wav,wav\/pcm16,speech,2,false,false,/);
    expect(lines[2]).toContain(',"the ""cat"", sad",');
  });

  it('names the baseline-word column honestly and carries the reference text with each side\'s WER against it', () => {
    const truth = { cases: [{ id: 'c2', refWords: 3, baseline: { wer: 0 }, device: { wer: 1 / 3 } }] };
    const withTruth = { ...accuracy, groundTruth: truth, cases: accuracy.cases.map((c) => (c.id === 'c2' ? { ...c, referenceText: 'the cat sat' } : c)) } as unknown as AccuracyResult;
    const r = { ...report, backends: report.backends.map((b) => (b.name === 'cpu-fp16' ? { ...b, accuracy: withTruth } : b)) } as Report;
    const [header, c1, c2] = renderCsv(r).trim().split('\n');
    const cols = header!.split(',');
    expect(cols).toContain('baseline_words');
    expect(cols).not.toContain('ref_words');
    // the four columns right after device_text (the transcripts are quoted, the columns after them are not)
    expect(cols.slice(cols.indexOf('device_text') + 1, cols.indexOf('device_text') + 5)).toEqual(['reference_text', 'reference_words', 'baseline_wer_vs_reference', 'device_wer_vs_reference']);
    expect(c2).toContain(`,"the ""cat"", sad",the cat sat,3,0,${1 / 3},`);
    expect(c1).toContain(',the cat sat,,,,,');
  });
});
