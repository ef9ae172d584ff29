import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { create } from 'xmlbuilder2';
import { describe, expect, it } from 'vitest';
import { formatAlignment } from '../score/align.ts';
import { evidenceOf, gateFailures, scoreTranscripts, type PairedTranscript } from '../score/gate.ts';
import { assembleReport } from './assemble-report.ts';
import { renderCsv } from './render-csv.ts';
import { renderJunit } from './render-junit.ts';
import { readReport, validateReport } from './report-file.ts';
import type { GateThresholds } from '../config/load-config.ts';
import type { AccuracyResult, BackendReport, Finding, Report } from './report-types.ts';
import { groupedReasons } from './report-view.ts';
import { verdictLine } from './verdict.ts';

/**
 * Issue 21 item 9: the judgement travels as data. A report made by the real gate (scored
 * transcripts, thresholds, the verdict) whose case ids a sentence could not carry: "corpus" (the
 * prefix of the corpus-wide failures) and one holding ": ". Then every message is reworded, and
 * what code reads (the CSV, the JUnit structure and counts, the verdict line) must not move.
 */
const thresholds: GateThresholds = { maxWer: 0.2, maxCer: 0.2, minExactMatchRate: 0, minTop1Agreement: 0.999, marginTolerance: 0.5, evidence: 'point', confidence: 0.95, maxWerIncrease: 0.01 };
const pairs: PairedTranscript[] = [
  { id: 'corpus', baseline: 'the cat sat on the mat', device: 'the dog sat on a mat' },
  { id: 'a: b', baseline: 'one two three four five', device: 'one two three four fife' },
  { id: 'ok', baseline: 'hello world', device: 'hello world' },
  { id: 'a', baseline: 'it is a long way to the sea and back again today', device: 'it is a long way to the sea and back again to day' },
];

function gateReport(): Report {
  const scores = scoreTranscripts(pairs, (s) => s);
  const evidence = evidenceOf(scores, thresholds);
  const failures = gateFailures(scores, undefined, thresholds, evidence);
  const accuracy: AccuracyResult = {
    passed: failures.length === 0,
    failures,
    normalizer: 'none',
    thresholds,
    corpus: scores.corpus,
    evidence,
    tokenParity: { available: false, reason: 'not measured in this test' },
    cases: scores.cases.map((c, i) => ({ id: c.id, audio: `/audio/${i}.wav`, kind: 'speech', audioSeconds: 2, baselineText: pairs[i]!.baseline, deviceText: pairs[i]!.device, wer: c.wer, cer: c.cer, exact: c.exact, hits: c.hits, substitutions: c.substitutions, deletions: c.deletions, insertions: c.insertions, refWords: c.refWords, alignment: formatAlignment(c.alignment), tokenParity: null })),
  };
  const b = { backend: 'cpu-fp32', device: 'cpu', precision: 'fp32', required: true, status: 'ran' } as const;
  const fragments: BackendReport[] = [{ ...b, name: 'base', role: 'baseline' }, { ...b, name: 'dev', role: 'device', accuracy }];
  const report = assembleReport({ config: { source: null, normalizer: 'none', thresholds, baseline: 'base', fixtures: 'cases.jsonl', fixturesSha256: null }, checks: ['accuracy'], fragments, environment: { cpu: 'test' } });
  validateReport(report, 'the test report');
  return report;
}

/** The same report with every finding's message replaced by another sentence. */
function reworded(r: Report): Report {
  let n = 0;
  const re = (f: Finding): Finding => ({ ...f, message: `reworded finding ${++n}` });
  return { ...r, verdictReasons: r.verdictReasons.map(re), backends: r.backends.map((b) => (b.accuracy ? { ...b, accuracy: { ...b.accuracy, failures: b.accuracy.failures.map(re) } } : b)) };
}

/** What a CI reads of JUnit: each suite's counts, each test case and whether it failed, erred or was skipped. */
function junitShape(xml: string) {
  const root = create(xml).root().node as unknown as Element;
  return [...root.getElementsByTagName('testsuite')].map((s) => ({
    suite: s.getAttribute('name'),
    counts: ['tests', 'failures', 'errors', 'skipped'].map((a) => s.getAttribute(a)),
    cases: [...s.getElementsByTagName('testcase')].map((c) => [c.getAttribute('classname'), c.getAttribute('name'), ...['failure', 'error', 'skipped'].filter((t) => c.getElementsByTagName(t).length)]),
  }));
}

describe('failures are values: no renderer reads a message', () => {
  const report = gateReport();
  const dev = report.backends.find((b) => b.name === 'dev')!;

  it('the gate attributes each failure to its case by id, the corpus-wide ones to no case', () => {
    const byCase = (id: string | undefined) => dev.accuracy!.failures.filter((f) => f.case === id).map((f) => [f.kind, f.metric]);
    expect(byCase('corpus')).toEqual([['case-threshold', 'wer'], ['case-threshold', 'cer']]);
    expect(byCase('a: b')).toEqual([['case-threshold', 'wer']]);
    expect(byCase('a')).toEqual([]);
    expect(byCase('ok')).toEqual([]);
    expect(byCase(undefined).map(([kind]) => kind)).toEqual(['corpus-threshold']);
    expect(report.verdict).toBe('fail');
  });

  it('the CSV passes and fails each case as the gate did: "corpus" and "a: b" failed, "a" (a prefix of "a: b") and "ok" passed', () => {
    const passed = renderCsv(report).trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 7));
    expect(passed.map((c) => [c[1], c[6]])).toEqual([['corpus', 'false'], ['a: b', 'false'], ['ok', 'true'], ['a', 'true']]);
  });

  it('JUnit fails the case named "corpus" with its own failures, and the corpus-wide test case with the rest', () => {
    const shape = junitShape(renderJunit(report)).find((s) => s.suite === 'dev accuracy')!;
    expect(shape.cases).toEqual([
      ['asr-parity.accuracy.dev', 'corpus', 'failure'],
      ['asr-parity.accuracy.dev', 'a: b', 'failure'],
      ['asr-parity.accuracy.dev', 'ok'],
      ['asr-parity.accuracy.dev', 'a'],
      ['asr-parity.accuracy.dev.corpus', 'corpus', 'failure'],
    ]);
    expect(shape.counts).toEqual(['5', '3', '0', '0']);
  });

  it('the verdict reasons fold the per-case failures by the case field', () => {
    expect(groupedReasons(report)[0]).toBe('dev: 2 of 4 cases over a threshold (corpus, a: b); see its failures');
  });

  it('rewording every message changes no CSV cell, no JUnit count or outcome, and not the verdict line', () => {
    const other = reworded(report);
    expect(other.verdictReasons.every((r) => r.message.startsWith('reworded'))).toBe(true);
    expect(renderCsv(other)).toBe(renderCsv(report));
    expect(junitShape(renderJunit(other))).toEqual(junitShape(renderJunit(report)));
    expect(verdictLine(other)).toBe(verdictLine(report));
    expect(groupedReasons(other)[0]).toBe(groupedReasons(report)[0]);
  });
});

describe('a report of schema 2 (sentences), as written by asr-parity before schema 3', () => {
  // made by main at 5eb4757 from the same kind of run: its failures and reasons are strings
  const file = fileURLToPath(new URL('../../fixtures/reports/report-schema-2.json', import.meta.url));

  it('is read, upgraded to values, and keeps its verdict; each case failure goes to its case, "corpus" and "a: b" included', () => {
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(2);
    const r = readReport(file);
    expect(r.schemaVersion).toBe(3);
    expect(r.verdict).toBe('fail');
    const dev = r.backends.find((b) => b.name === 'dev')!.accuracy!;
    expect(dev.failures.map((f) => [f.kind, f.case])).toEqual([['case-threshold', 'corpus'], ['case-threshold', 'a: b'], ['corpus-threshold', undefined]]);
    expect(r.verdictReasons.map((x) => [x.kind, x.backend])).toEqual([['case-threshold', 'dev'], ['case-threshold', 'dev'], ['corpus-threshold', 'dev'], ['optional-not-run', 'npu']]);
    const passed = renderCsv(r).trim().split('\n').slice(1).map((l) => l.split(',')[6]);
    expect(passed).toEqual(['false', 'false', 'true']);
    expect(verdictLine(r)).toBe('verdict: FAIL; npu not run (optional): no NPU');
  });
});
