import { evidenceSupports, underLoadFailure } from '../score/gate.ts';
import type { Finding } from '../score/finding.ts';
import type { BackendReport, Check, Report } from './report-types.ts';

/**
 * The verdict, decided here and nowhere else, from what each backend did:
 * - FAIL when a required backend did not run, failed or crashed, lacks a result for a check the
 *   run set out to make, when any device backend that ran missed an accuracy threshold, or when
 *   any backend's timed transcripts differ from its accuracy path's (under-load check);
 * - FAIL too when the report holds no baseline (the baseline is always required);
 * - INCOMPLETE when nothing failed but no device backend has the result of every check the run
 *   set out to make (a gate that checked nothing does not pass);
 * - PASS otherwise. An optional backend that did not run is named, and changes nothing.
 */
export function verdictOf(backends: readonly BackendReport[], checks: readonly Check[]): Pick<Report, 'verdict' | 'verdictReasons'> {
  const failures: Finding[] = [];
  const notes: Finding[] = [];
  // nothing is compared without the baseline: its absence fails the gate, whatever the devices say
  if (!backends.some((b) => b.role === 'baseline')) failures.push({ kind: 'no-baseline', message: 'no baseline in the report: the devices were compared with nothing' });
  for (const b of backends) {
    // the baseline is the reference of every comparison: it is required whatever its entry says
    const required = b.required || b.role === 'baseline';
    if (b.status !== 'ran') {
      const why = b.reason ?? 'no reason recorded';
      if (required) failures.push({ kind: 'not-run', backend: b.name, message: `${b.name} (required) ${b.status === 'failed' ? 'failed' : 'did not run'}: ${why}` });
      else notes.push({ kind: 'optional-not-run', backend: b.name, message: `${b.name} (optional) not run: ${why}` });
    } else if (required) {
      for (const c of checks) if (!hasResult(b, c)) failures.push({ kind: 'missing-result', backend: b.name, message: `${b.name} (required): no ${c} result` });
    }
    if (b.role === 'device' && b.accuracy && !b.accuracy.passed) {
      const own = b.accuracy.failures.map((f) => ({ ...f, backend: b.name, message: `${b.name}: ${f.message}` }));
      failures.push(...(own.length ? own : [{ kind: 'legacy' as const, backend: b.name, message: `${b.name}: accuracy gate failed, no failure recorded` }]));
    }
    // every backend, the baseline too: a speedup timed on another path than the one checked means nothing
    const underLoad = b.performance?.underLoad && underLoadFailure(b.performance.underLoad, b.name);
    if (underLoad) failures.push(underLoad);
    if (b.role === 'device' && b.accuracy?.passed && pointOnly(b)) notes.push({ kind: 'point-only', backend: b.name, message: `${b.name}: passed on the observed values only (evidence "point"): too few samples for the ${Math.round(100 * b.accuracy.evidence.confidence)}% bounds to support the thresholds` });
  }
  // compared: a device with the result of every check the run set out to make (an optional one with
  // a performance figure only has not been compared with the baseline, and cannot make a PASS)
  const compared = backends.filter((b) => b.role === 'device' && b.status === 'ran' && checks.every((c) => hasResult(b, c)));
  if (failures.length) return { verdict: 'fail', verdictReasons: [...failures, ...notes] };
  if (!compared.length) return { verdict: 'incomplete', verdictReasons: [{ kind: 'nothing-compared', message: `no device backend was ${checks.includes('accuracy') ? 'compared with the baseline' : 'measured'}${checks.length > 1 ? ` with every check (${checks.join(' and ')})` : ''}` }, ...notes] };
  // only what each backend has: an optional one may pass accuracy and lack a performance result
  const passed = backends
    .filter((b) => b.role === 'device' && b.status === 'ran' && checks.some((c) => hasResult(b, c)))
    .map((b): Finding => ({ kind: 'passed', backend: b.name, message: `${b.name}: ${checks.filter((c) => hasResult(b, c)).map((c) => (c === 'accuracy' ? 'accuracy gate passed' : 'performance measured')).join(', ')}${checks.includes('accuracy') ? '' : ' (accuracy not checked: its transcripts were not compared with the baseline)'}` }));
  return { verdict: 'pass', verdictReasons: [...passed, ...notes] };
}

/** Whether a backend has its result for a check (the baseline is the reference: accuracy compares the others with it). */
function hasResult(b: BackendReport, c: Check): boolean {
  return c === 'accuracy' ? b.role === 'baseline' || Boolean(b.accuracy) : Boolean(b.performance);
}

/** A pass that the data alone would not support: evidence "point" with a bound short of a threshold. */
function pointOnly(b: BackendReport): boolean {
  const e = b.accuracy?.evidence;
  return Boolean(e && e.mode === 'point' && !evidenceSupports(e));
}

/** One line for a terminal: the verdict, how far the data supports it, and every backend that did not run. */
export function verdictLine(r: Pick<Report, 'verdict' | 'backends'> & { checks?: readonly Check[] }): string {
  const notRun = r.backends.filter((b) => b.status !== 'ran').map((b) => `${b.name} ${b.status === 'failed' ? 'failed' : 'not run'}${b.required ? '' : ' (optional)'}: ${b.reason ?? 'no reason recorded'}`);
  const found = (kind: Finding['kind']) => r.backends.some((b) => b.accuracy?.failures.some((f) => f.kind === kind));
  const thin = found('insufficient-evidence');
  const pointPass = r.verdict === 'pass' && r.backends.some((b) => b.accuracy?.passed && pointOnly(b));
  const worse = found('wer-increase');
  // a PASS of eval-perf alone says nothing of the transcripts: a fast device may be wrong
  const perfOnly = r.verdict === 'pass' && r.checks !== undefined && !r.checks.includes('accuracy');
  const why = [perfOnly && 'performance only: accuracy was not checked', thin && 'insufficient evidence: the data cannot support a threshold', worse && 'WER against the reference text rose more than maxWerIncrease', pointPass && 'on observed values only: too few samples for the confidence bounds'].filter(Boolean);
  const because = why.length ? ` (${why.join('; ')}, see the report)` : '';
  return `verdict: ${r.verdict.toUpperCase()}${because}${notRun.length ? `; ${notRun.join('; ')}` : ''}`;
}

/** 0 for PASS; 1 for FAIL and INCOMPLETE. */
export function exitCodeOf(r: Pick<Report, 'verdict'>): 0 | 1 {
  return r.verdict === 'pass' ? 0 : 1;
}
