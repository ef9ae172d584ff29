import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { thresholdLine } from '../config/threshold-table.ts';
import { localizationRule, localizationSections } from './format-localization.ts';
import type { ReportPlot } from './plots.ts';
import type { BackendReport, Report } from './report-types.ts';
import { caseDifferences, divergenceText, evidenceView, failedCases, groupedReasons, NA, num, params, pct, memoryNote, perfRows, regressionRow, latencyComparisonRow, wordAlignment } from './report-view.ts';

const TEMPLATE = new URL('../../reports/report.html.hbs', import.meta.url);

// a separate environment from the Markdown one: this template HTML-escapes every {{value}}
let compiled: HandlebarsTemplateDelegate | undefined;

function accuracySection(b: BackendReport) {
  const a = b.accuracy!;
  const tp = a.tokenParity;
  const ev = evidenceView(a);
  return {
    name: b.name,
    passed: a.passed,
    evidence: ev,
    tokenParity: tp.available
      ? `${tp.passed ? 'PASS' : 'FAIL'}: top-1 agreement ${pct(tp.top1Agreement)} over ${tp.steps} teacher-forced steps, ${pct(tp.decisiveTop1Agreement)} on the ${tp.decisiveSteps} decisive ones; max logit error ${num(tp.maxAbsError, 4)}; ${tp.divergences} divergence(s), ${tp.nearTieDivergences} at a near-tie.`
      : `not measured: ${tp.reason}.`,
    failures: [...caseDifferences(a).filter((x) => x.failed).map((x) => x.line), ...a.failures.filter((f) => f.case === undefined).map((f) => f.message)],
    cases: a.cases.map((c) => ({
      id: c.id,
      kind: c.kind,
      wer: pct(c.wer),
      cer: pct(c.cer),
      exact: c.exact,
      baselineText: c.baselineText,
      deviceText: c.deviceText,
      words: c.exact ? [] : wordAlignment(a, c.baselineText, c.deviceText).map((w) => ({ ...w, same: w.op === 'C' })),
      divergence: divergenceText(c.tokenParity),
      divergenceClass: c.tokenParity?.transcriptDivergence ? `div-${c.tokenParity.transcriptDivergence.cause}` : '',
    })),
  };
}

/** The self-contained HTML report: one file, every plot inline as SVG, nothing fetched. */
export function renderHtml(r: Report, plots: ReportPlot[]): string {
  compiled ??= Handlebars.create().compile(readFileSync(TEMPLATE, 'utf8'), { strict: false });
  const devices = r.backends.filter((b) => b.role === 'device');
  const perf = r.backends.find((b) => b.performance)?.performance;
  const t = r.config.thresholds;
  return compiled({
    ...r,
    // an interrupted run says so first: its verdict covers only what finished
    verdictLabel: r.interrupted ? `INTERRUPTED (${r.interrupted.signal}): ${r.verdict.toUpperCase()}` : r.verdict.toUpperCase(),
    verdictReasons: groupedReasons(r),
    checksText: r.checks.join(' and '),
    configSource: r.config.source ?? 'built-in defaults',
    thresholdLine: thresholdLine(t),
    backendRows: r.backends.map((b) => ({
      name: b.name,
      role: b.role,
      required: b.required ? 'required' : 'optional',
      device: `${b.device} / ${b.precision}`,
      status: b.status === 'ran' ? 'ran' : `${b.status}: ${b.reason ?? ''}`,
      model: b.environment?.model ? `${b.environment.model} (${params(b)} parameters, sha256 ${String(b.environment.modelSha256 ?? '').slice(0, 12)}…)` : NA,
    })),
    skippedInputs: r.inputs?.skipped ?? [],
    failedCases: failedCases(r),
    accuracyMeasured: r.checks.includes('accuracy'),
    accuracy: devices.filter((b) => b.accuracy).map(accuracySection),
    localization: localizationSections(r),
    localizationRule: localizationRule(r),
    perfMeasured: r.checks.includes('performance'),
    perfAudio: perf ? `${perf.audioSeconds} s` : 'no',
    // a backend that did not run has its reason in the Backends table, not a column of "not run" here
    perfBackends: r.backends.filter((b) => b.status === 'ran').map((b) => b.name),
    perfRows: perfRows(r.backends.filter((b) => b.status === 'ran')),
    memoryNote: memoryNote(r.backends),
    plots,
    regressions: r.regressions && { ...r.regressions, tolerance: pct(r.regressions.latencyTolerance), latencyRows: (r.regressions.latency ?? []).map(latencyComparisonRow), rows: r.regressions.items.map(regressionRow) },
    environmentRows: Object.entries(r.environment).map(([key, value]) => ({ key, value: String(value) })),
    backendDetails: r.backends.filter((b) => b.environment).map((b) => ({ name: b.name, rows: Object.entries(b.environment!).map(([key, value]) => ({ key, value: String(value) })) })),
  });
}
