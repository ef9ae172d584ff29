import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { thresholdLine } from '../config/threshold-table.ts';
import { baselineCacheLine } from './format-baseline-cache.ts';
import { localizationRule, localizationSections } from './format-localization.ts';
import { truthCoverage, truthDifference, truthScore } from './format-ground-truth.ts';
import type { BackendReport, Report } from './report-types.ts';
import { caseDifferences, divergenceText, evidenceView, failedCases, groupedReasons, NA, num, params, pct, memoryNote, perfRows, regressionRow, latencyComparisonRow, summaryRows, type Row } from './report-view.ts';

const TEMPLATE = new URL('../../reports/report.md.hbs', import.meta.url);

let compiled: HandlebarsTemplateDelegate | undefined;

// Markdown table cells: a pipe or newline would break the row
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const cells = (rows: Row[]) => rows.map((r) => ({ label: cell(r.label), cells: r.cells.map(cell) }));

/** A plot written beside the Markdown, linked by its path relative to the Markdown file. */
export interface PlotLink {
  title: string;
  caption: string;
  href: string;
}

function accuracySection(b: BackendReport) {
  const a = b.accuracy!;
  const tp = a.tokenParity;
  const rows = a.cases.map((c) => {
    const t = c.tokenParity;
    return {
      id: cell(c.id),
      audio: cell(c.audio),
      kind: c.kind,
      wer: pct(c.wer),
      cer: pct(c.cer),
      exact: c.exact ? 'yes' : '**no**',
      s: c.substitutions,
      d: c.deletions,
      i: c.insertions,
      agreement: t ? `${t.top1Agreements}/${t.steps}` : 'n/a',
      margin: t ? num(t.minMargin) : 'n/a',
      absError: t ? num(t.maxAbsError, 4) : 'n/a',
      cosine: t ? num(t.minCosine, 6) : 'n/a',
      divergence: t ? divergenceText(t) : 'n/a',
    };
  });
  const c = a.corpus;
  const corpus = {
    cases: c.utterances,
    wer: pct(c.wer),
    cer: pct(c.cer),
    exact: `${c.exactMatches}/${c.utterances} (${pct(c.exactMatchRate)})`,
    s: c.substitutions,
    d: c.deletions,
    i: c.insertions,
    agreement: tp.available ? `${pct(tp.top1Agreement)} (decisive ${pct(tp.decisiveTop1Agreement)} of ${tp.decisiveSteps})` : 'n/a',
    margin: tp.available ? num(tp.minMargin) : 'n/a',
    absError: tp.available ? num(tp.maxAbsError, 4) : 'n/a',
    cosine: tp.available ? num(tp.minCosine, 6) : 'n/a',
    divergences: tp.available ? `${tp.divergences} (${tp.nearTieDivergences} near-tie)` : 'n/a',
  };
  const tokenParity = tp.available
    ? `${tp.passed ? 'PASS' : 'FAIL'}. ${tp.steps} teacher-forced steps over ${tp.cases} cases; top-1 agreement ${pct(tp.top1Agreement)}, on the ${tp.decisiveSteps} decisive steps ${pct(tp.decisiveTop1Agreement)}; max logit error ${num(tp.maxAbsError, 4)} absolute, ${num(tp.maxRelError, 5)} relative; min cosine ${num(tp.minCosine, 6)}. Every transcript divergence is attributed to its first differing step: ${tp.divergences} divergence(s), ${tp.nearTieDivergences} at a near-tie.`
    : `not measured: ${tp.reason}.`;
  // how the figures were computed, so they can be set beside another tool's (absent in reports made before it was recorded)
  const sc = a.scoring;
  const scoring = sc
    ? `normalizer ${sc.normalizer} (${sc.normalizerVersion}); WER and S/D/I by ${sc.werAlignment}; CER ${sc.cerSpaces === 'include' ? 'counting spaces (as jiwer)' : 'without whitespace'}${c.mer === undefined ? '' : `; corpus MER ${pct(c.mer)}, WIL ${pct(c.wil)}, WIP ${pct(c.wip)} (${sc.informationMeasures})`}`
    : `normalizer ${a.normalizer} (version not recorded)`;
  const differing = caseDifferences(a);
  const byId = new Map(a.cases.map((x) => [x.id, x]));
  const ev = evidenceView(a);
  const g = a.groundTruth;
  const groundTruth = g && {
    coverage: truthCoverage(g),
    rows: [
      { backend: `baseline`, score: truthScore(g.baseline) },
      { backend: b.name, score: truthScore(g.device) },
    ],
    difference: truthDifference(g, a.thresholds),
  };
  return {
    name: b.name,
    rows,
    corpus,
    tokenParity,
    scoring,
    groundTruth,
    // one line per case over a threshold, then the corpus-level failures
    failures: [...differing.filter((x) => x.failed).map((x) => x.line), ...a.failures.filter((f) => f.case === undefined).map((f) => f.message)],
    differing: differing.map((x) => ({ ...x, baselineText: byId.get(x.id)!.baselineText, deviceText: byId.get(x.id)!.deviceText, alignment: byId.get(x.id)!.alignment })),
    evidence: { ...ev, rows: ev.rows.map((r) => ({ ...r, judgement: r.supported ? r.judgement : `**${r.judgement}**` })) },
  };
}

function rowsOf(e: Record<string, unknown>) {
  return Object.entries(e).map(([key, value]) => ({ key, value: cell(String(value)) }));
}

function engineOf(b: BackendReport): string {
  const e = b.environment ?? {};
  if (e.whisperVersion) return cell(`whisper.cpp ${e.whisperVersion}${e.useGpu ? ' (GPU)' : ''}`);
  return cell(String(e.engine ?? NA));
}

/** The Markdown report; `plots` are SVG files written beside it, shown in the sections they belong to. */
export function renderMarkdown(r: Report, plots: PlotLink[] = []): string {
  compiled ??= Handlebars.compile(readFileSync(TEMPLATE, 'utf8'), { noEscape: true, strict: false });
  const devices = r.backends.filter((b) => b.role === 'device');
  const perf = r.backends.find((b) => b.performance)?.performance;
  const t = r.config.thresholds;
  const base = r.backends.find((b) => b.role === 'baseline');
  const plot = (id: string) => plots.find((p) => p.href.endsWith(`/${id}.svg`) || p.href === `${id}.svg`);
  return compiled({
    ...r,
    // an interrupted run says so first: its verdict covers only what finished
    verdictLabel: r.interrupted ? `INTERRUPTED (${r.interrupted.signal}): ${r.verdict.toUpperCase()}` : r.verdict.toUpperCase(),
    baselineCache: base?.baselineCache && cell(baselineCacheLine(base.baselineCache)),
    verdictReasons: groupedReasons(r),
    configSource: r.config.source ? `\`${r.config.source}\`` : 'built-in defaults',
    thresholdLine: thresholdLine(t),
    devices,
    summaryRows: cells(summaryRows(r, devices)),
    backendRows: r.backends.map((b) => ({
      name: b.name,
      role: b.role,
      required: b.required ? 'required' : 'optional',
      device: `${b.device} / ${b.precision}`,
      status: b.status === 'ran' ? 'ran' : `${b.status}: ${cell(b.reason ?? '')}`,
      engine: engineOf(b),
      model: b.environment?.model ? cell(`${b.environment.model} (${params(b)} parameters, sha256 ${String(b.environment.modelSha256 ?? '').slice(0, 12)}…)`) : NA,
      threads: b.environment?.threads ?? NA,
    })),
    skippedInputs: (r.inputs?.skipped ?? []).map((x) => ({ path: cell(x.path), reason: cell(x.reason) })),
    failedCases: failedCases(r).map((f) => ({ backend: cell(f.backend), case: cell(f.case), audio: cell(f.audio), kind: f.kind, message: cell(f.message) })),
    accuracyMeasured: r.checks.includes('accuracy'),
    accuracy: devices.filter((b) => b.accuracy).map(accuracySection),
    accuracyPlots: [plot('case-wer')].filter(Boolean),
    localization: localizationSections(r).map((l) => ({ ...l, line: cell(l.line), rows: l.rows.map((x) => ({ ...x, tensor: cell(x.tensor), verdict: cell(x.verdict) })) })),
    localizationRule: localizationRule(r),
    localizationPlots: [plot('localization')].filter(Boolean),
    perfAudio: perf ? `${perf.audioSeconds} s` : 'no',
    perfMeasured: r.checks.includes('performance'),
    // a backend that did not run has its reason in the Backends table, not a column of "not run" here
    perfBackends: r.backends.filter((b) => b.status === 'ran').map((b) => b.name),
    perfRows: cells(perfRows(r.backends.filter((b) => b.status === 'ran'))),
    memoryNote: memoryNote(r.backends),
    perfPlots: ['latency-runs', 'latency-distribution', 'speedup', 'memory'].map(plot).filter(Boolean),
    regressions: r.regressions && { ...r.regressions, tolerance: pct(r.regressions.latencyTolerance), latencyRows: (r.regressions.latency ?? []).map(latencyComparisonRow), rows: r.regressions.items.map(regressionRow).map((x) => ({ ...x, metric: cell(x.metric) })) },
    environmentRows: rowsOf(r.environment),
    backendDetails: r.backends.filter((b) => b.environment).map((b) => ({ name: b.name, rows: rowsOf(b.environment!) })),
  });
}
