import { ReportError } from '../errors.ts';
import { mergeReports } from './assemble-report.ts';
import { mismatches } from './comparability.ts';
import { BUSY_LATENCY_TOLERANCE } from '../bench/latency-stats.ts';
import { compareLatency, findRegressions } from './compare-reports.ts';
import { readReport } from './report-file.ts';
import type { Regression, Report } from './report-types.ts';

export interface MergeOptions {
  /** An earlier report: what got worse since it is flagged. */
  baseline?: string;
  /** Latency must grow by more than this fraction, over the whole interval of the slowdown, to count as a regression. */
  latencyTolerance: number;
  /** The same where either run was measured on a busy machine (default BUSY_LATENCY_TOLERANCE). */
  busyLatencyTolerance?: number;
  /** Merge and compare reports whose figures come from different models, engines, settings or hosts; the differences head the verdict's reasons. */
  allowMismatch?: boolean;
}

export interface MergedReports {
  report: Report;
  /** "B vs A: field x vs y" for every difference allowed with allowMismatch, inputs first, then the baseline. */
  differences: string[];
  /** What got worse since the baseline report; absent without one. */
  regressions?: Regression[];
}

export interface NamedReport {
  name: string;
  report: Report;
}

/**
 * Reports of one gate merged into one (eval-accuracy and eval-perf, say), optionally against an
 * earlier report. Figures from different models, engines or settings are not comparable: refused
 * with a ReportError naming both files, unless allowMismatch, when each difference is listed and
 * heads the merged report's verdict reasons.
 */
export function mergeNamedReports(inputs: readonly NamedReport[], baseline: { name: string; load: () => Report } | undefined, o: MergeOptions): MergedReports {
  const first = inputs[0]!;
  const differences: string[] = [];
  const check = (other: NamedReport) => {
    const m = mismatches(first.report, other.report);
    if (m.length && !o.allowMismatch) throw new ReportError(other.name, `not comparable with ${first.name}: ${m.map((x) => `${x.field} ${x.a} vs ${x.b}`).join('; ')}`, 'compare reports of the same models and settings, or pass --allow-mismatch');
    differences.push(...m.map((x) => `${other.name} vs ${first.name}: ${x.field} ${x.a} vs ${x.b}`));
  };
  inputs.slice(1).forEach(check);
  const report = mergeReports(
    inputs.map((x) => x.report),
    inputs.map((x) => x.name),
  );
  let regressions: Regression[] | undefined;
  if (baseline) {
    // read only once the inputs merged: their own problems are reported first
    const old = { name: baseline.name, report: baseline.load() };
    check(old);
    const busy = o.busyLatencyTolerance ?? BUSY_LATENCY_TOLERANCE;
    regressions = findRegressions(old.report, report, o.latencyTolerance, busy);
    report.regressions = { against: old.name, latencyTolerance: o.latencyTolerance, busyLatencyTolerance: busy, items: regressions, latency: compareLatency(old.report, report, o.latencyTolerance, busy) };
  }
  if (differences.length) report.verdictReasons = [...differences.map((d) => ({ kind: 'not-comparable' as const, message: `not comparable (allowed): ${d}` })), ...report.verdictReasons];
  return { report, differences, regressions };
}

/**
 * The same, read from report.json files (each validated against the schema as it is read).
 * `combine` first turns the inputs into the reports to merge (the run layer's merge of shards).
 */
export function mergeReportFiles(files: readonly string[], o: MergeOptions, combine: (inputs: NamedReport[]) => NamedReport[] = (x) => x): MergedReports {
  const inputs = combine(files.map((name) => ({ name, report: readReport(name) })));
  const baseline = o.baseline;
  return mergeNamedReports(inputs, baseline ? { name: baseline, load: () => readReport(baseline) } : undefined, o);
}
