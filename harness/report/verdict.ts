import { evidenceSupports, underLoadFailure } from '../score/gate.ts';
import type { BackendReport, Check, Report } from './report-types.ts';

/**
 * The verdict, decided here and nowhere else, from what each backend did:
 * - FAIL when a required backend did not run, failed or crashed, lacks a result for a check the
 *   run set out to make, when any device backend that ran missed an accuracy threshold, or when
 *   any backend's timed transcripts differ from its accuracy path's (under-load check);
 * - INCOMPLETE when nothing failed but no device backend was compared at all (a gate that
 *   checked nothing does not pass);
 * - PASS otherwise. An optional backend that did not run is named, and changes nothing.
 */
export function verdictOf(backends: readonly BackendReport[], checks: readonly Check[]): Pick<Report, 'verdict' | 'verdictReasons'> {
  const failures: string[] = [];
  const notes: string[] = [];
  for (const b of backends) {
    if (b.status !== 'ran') {
      const why = b.reason ?? 'no reason recorded';
      if (b.required) failures.push(`${b.name} (required) ${b.status === 'failed' ? 'failed' : 'did not run'}: ${why}`);
      else notes.push(`${b.name} (optional) not run: ${why}`);
    } else if (b.required) {
      for (const c of checks) if (!hasResult(b, c)) failures.push(`${b.name} (required): no ${c} result`);
    }
    if (b.role === 'device' && b.accuracy && !b.accuracy.passed) failures.push(...b.accuracy.failures.map((f) => `${b.name}: ${f}`));
    // every backend, the baseline too: a speedup timed on another path than the one checked means nothing
    const underLoad = b.performance?.underLoad && underLoadFailure(b.performance.underLoad);
    if (underLoad) failures.push(`${b.name}: ${underLoad}`);
    if (b.role === 'device' && b.accuracy?.passed && pointOnly(b)) notes.push(`${b.name}: passed on the observed values only (evidence "point"): too few samples for the ${Math.round(100 * b.accuracy.evidence.confidence)}% bounds to support the thresholds`);
  }
  const compared = backends.filter((b) => b.role === 'device' && b.status === 'ran' && (checks.includes('accuracy') ? b.accuracy : b.performance));
  if (failures.length) return { verdict: 'fail', verdictReasons: [...failures, ...notes] };
  if (!compared.length) return { verdict: 'incomplete', verdictReasons: [`no device backend was ${checks.includes('accuracy') ? 'compared with the baseline' : 'measured'}`, ...notes] };
  // only what each backend has: an optional one may pass accuracy and lack a performance result
  const passed = compared.map((b) => `${b.name}: ${checks.filter((c) => hasResult(b, c)).map((c) => (c === 'accuracy' ? 'accuracy gate passed' : 'performance measured')).join(', ')}`);
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
export function verdictLine(r: Pick<Report, 'verdict' | 'backends'>): string {
  const notRun = r.backends.filter((b) => b.status !== 'ran').map((b) => `${b.name} ${b.status === 'failed' ? 'failed' : 'not run'}${b.required ? '' : ' (optional)'}: ${b.reason ?? 'no reason recorded'}`);
  const thin = r.backends.some((b) => b.accuracy?.failures.some((f) => f.includes('insufficient evidence')));
  const pointPass = r.verdict === 'pass' && r.backends.some((b) => b.accuracy?.passed && pointOnly(b));
  const worse = r.backends.some((b) => b.accuracy?.failures.some((f) => f.includes('WER against the reference text rose')));
  const why = [thin && 'insufficient evidence: the data cannot support a threshold', worse && 'WER against the reference text rose more than maxWerIncrease', pointPass && 'on observed values only: too few samples for the confidence bounds'].filter(Boolean);
  const because = why.length ? ` (${why.join('; ')}, see the report)` : '';
  return `verdict: ${r.verdict.toUpperCase()}${because}${notRun.length ? `; ${notRun.join('; ')}` : ''}`;
}

/** 0 for PASS; 1 for FAIL and INCOMPLETE. */
export function exitCodeOf(r: Pick<Report, 'verdict'>): 0 | 1 {
  return r.verdict === 'pass' ? 0 : 1;
}
