import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { caseFailures } from './render-csv.ts';
import type { BackendReport, CaseFailure, Check, Report } from './report-types.ts';
import { verdictLine } from './verdict.ts';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** A backend that did not run: a required one is an error (the gate failed on it), an optional one a skip. */
function notRun(suite: XMLBuilder, b: BackendReport, check: Check, n: Counts): void {
  const tc = suite.ele('testcase', { classname: `asr-parity.${check}.${b.name}`, name: `${b.name} ${check}` });
  n.tests++;
  const why = b.reason ?? 'no reason recorded';
  if (b.required) {
    n.errors++;
    tc.ele('error', { message: `${b.status === 'failed' ? 'failed' : 'did not run'} (required): ${why}`, type: b.status });
  } else {
    n.skipped++;
    tc.ele('skipped', { message: `not run (optional): ${why}` });
  }
  // a backend that failed on every case it tried: each of them, as an accuracy run that went on would list them
  if (check === 'accuracy') for (const f of b.failedCases ?? []) failedCase(suite, `asr-parity.accuracy.${b.name}`, f, n);
}

/** A case one side could not transcribe: an error of its own, named by how it failed (the structured fields, not a message). */
function failedCase(suite: XMLBuilder, classname: string, f: CaseFailure, n: Counts): void {
  n.tests++;
  n.errors++;
  suite.ele('testcase', { classname, name: f.case, file: f.audio }).ele('error', { message: `${f.backend} failed on this case (${f.kind}): ${f.message}`, type: f.kind });
}

function counted(suite: XMLBuilder, n: Counts): Counts {
  suite.att({ tests: String(n.tests), failures: String(n.failures), errors: String(n.errors), skipped: String(n.skipped) });
  return n;
}

/** One backend's suite for one check: the not-run case when it has no result, else what `fill` adds; counted either way. */
function checkSuite<R>(root: XMLBuilder, b: BackendReport, check: Check, result: R | undefined, fill: (suite: XMLBuilder, result: R, n: Counts) => void): Counts {
  const suite = root.ele('testsuite', { name: `${b.name} ${check}` });
  const n: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  if (!result) notRun(suite, b, check, n);
  else fill(suite, result, n);
  return counted(suite, n);
}

function accuracySuite(root: XMLBuilder, b: BackendReport): Counts {
  return checkSuite(root, b, 'accuracy', b.accuracy, (suite, a, n) => {
    const classname = `asr-parity.accuracy.${b.name}`;
    for (const c of a.cases) {
      n.tests++;
      const tc = suite.ele('testcase', { classname, name: c.id, file: c.audio });
      const f = caseFailures(a.failures, c.id);
      if (f.length) {
        n.failures++;
        // a failure shape is a class of its own (type repetition-loop, truncation, ...); a WER or CER over its maximum is 'threshold'
        tc.ele('failure', { message: f.map((x) => x.message).join('; '), type: [...new Set(f.map((x) => (x.kind === 'case-threshold' ? 'threshold' : x.kind)))].join(' ') }).txt(c.alignment);
      } else if (!c.exact) tc.ele('system-out').txt(c.alignment);
    }
    for (const f of a.casesLeftOut ?? []) failedCase(suite, classname, f, n);
    // the corpus-wide checks (WER, CER, exact match, their evidence, token parity): the gate's other failures
    n.tests++;
    // a classname of its own: a case may be named "corpus" too
    const corpus = suite.ele('testcase', { classname: `${classname}.corpus`, name: 'corpus' });
    const rest = a.failures.filter((f) => f.case === undefined).map((f) => f.message);
    const k = a.corpus;
    corpus.ele('system-out').txt(`${k.utterances} cases, WER ${pct(k.wer)}, CER ${pct(k.cer)}, exact ${k.exactMatches}/${k.utterances}; evidence ${a.evidence.mode}`);
    if (rest.length || (!a.passed && !a.failures.length)) {
      n.failures++;
      corpus.ele('failure', { message: rest.join('; ') || 'gate failed', type: 'gate' }).txt(rest.join('\n'));
    }
    if (b.status === 'failed') {
      n.tests++;
      n.errors++;
      suite.ele('testcase', { classname, name: 'run' }).ele('error', { message: b.reason ?? 'failed', type: 'failed' });
    }
  });
}

function performanceSuite(root: XMLBuilder, b: BackendReport): Counts {
  return checkSuite(root, b, 'performance', b.performance, (suite, p, n) => {
    // performance has no threshold in the gate: the case passes when it was measured, and its figures are the output
    n.tests++;
    const l = p.latencyMs;
    const tc = suite.ele('testcase', { classname: `asr-parity.performance.${b.name}`, name: `${b.name} latency`, time: (l.mean / 1000).toFixed(6) });
    const props = tc.ele('properties');
    const prop = (name: string, value: number | string | null) => props.ele('property', { name, value: value === null ? '' : String(value) });
    prop('loadMs', p.loadMs);
    prop('firstCallMs', p.firstCallMs);
    prop('meanMs', l.mean);
    prop('runs', l.runs);
    prop('rtf', p.rtf);
    prop('speedup', p.speedup);
    tc.ele('system-out').txt(`load ${p.loadMs.toFixed(0)} ms, first call ${p.firstCallMs.toFixed(0)} ms, ${l.runs} runs mean ${l.mean.toFixed(1)} ms, RTF ${p.rtf.toFixed(4)}${p.speedup ? `, speedup ${p.speedup.toFixed(2)}x` : ''}`);
  });
}

/**
 * JUnit XML for CI dashboards, from the report alone: per device backend and check one suite;
 * each accuracy case a test case (failed when the gate failed it), the corpus-wide checks one
 * more; a required backend that did not run an error, an optional one a skip; and the verdict
 * itself a test case, so a CI that reads only JUnit still fails on an INCOMPLETE run.
 */
export function renderJunit(report: Report): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele('testsuites', { name: 'asr-parity' });
  const verdict = root.ele('testsuite', { name: 'verdict' });
  const vc = verdict.ele('testcase', { classname: 'asr-parity', name: 'verdict' });
  const failed = report.verdict !== 'pass';
  if (failed) vc.ele('failure', { message: `${report.interrupted ? `INTERRUPTED (${report.interrupted.signal}): ` : ''}${verdictLine(report)}`, type: report.interrupted ? 'interrupted' : report.verdict }).txt(report.verdictReasons.map((x) => x.message).join('\n'));
  else vc.ele('system-out').txt(verdictLine(report));
  const all: Counts[] = [counted(verdict, { tests: 1, failures: failed ? 1 : 0, errors: 0, skipped: 0 })];
  for (const check of report.checks) {
    for (const b of report.backends) {
      if (check === 'accuracy' && b.role === 'device') all.push(accuracySuite(root, b));
      // performance: the baseline is measured too, and its figures are what speedup divides
      if (check === 'performance') all.push(performanceSuite(root, b));
    }
  }
  const sum = (k: keyof Counts) => String(all.reduce((t, n) => t + n[k], 0));
  root.att({ tests: sum('tests'), failures: sum('failures'), errors: sum('errors'), skipped: sum('skipped') });
  return doc.end({ prettyPrint: true });
}
