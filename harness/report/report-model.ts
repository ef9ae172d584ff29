import { thresholdLine } from '../config/threshold-table.ts';
import { baselineCacheLine } from './format-baseline-cache.ts';
import { truthCoverage, truthDifference, truthScore } from './format-ground-truth.ts';
import type { BackendReport, BaselineTranscript, Report } from './report-types.ts';
import { localizationRule, localizationSections } from './format-localization.ts';
import {
  caseDifferences,
  divergenceText,
  evidenceView,
  failedCases,
  groupedReasons,
  latencyComparisonRow,
  memoryNote,
  NA,
  num,
  params,
  pct,
  perfRows,
  regressionRow,
  summaryRows,
  wordAlignment,
} from './report-view.ts';

/**
 * Everything a human-readable report shows, section by section, as plain text: the one view
 * model the Markdown and the HTML renderers both lay out (render-markdown.ts, render-html.ts), so
 * neither can hold a figure the other lacks. Nothing here is escaped or formatted for a medium:
 * emphasis, links and escaping are each renderer's own (suites/report-contents.test.ts checks
 * every heading, table header and cell of the Markdown is in the HTML).
 */

const NO_REFERENCE = 'no reference text';

/** One device backend's accuracy section. */
function accuracySection(b: BackendReport) {
  const a = b.accuracy!;
  const tp = a.tokenParity;
  const truth = new Map((a.groundTruth?.cases ?? []).map((x) => [x.id, x]));
  const cases = a.cases.map((c) => {
    const t = c.tokenParity;
    const g = truth.get(c.id);
    return {
      id: c.id,
      audio: c.audio,
      kind: c.kind,
      wer: pct(c.wer),
      cer: pct(c.cer),
      exact: c.exact,
      s: String(c.substitutions),
      d: String(c.deletions),
      i: String(c.insertions),
      agreement: t ? `${t.top1Agreements}/${t.steps}` : 'n/a',
      margin: t ? num(t.minMargin) : 'n/a',
      absError: t ? num(t.maxAbsError, 4) : 'n/a',
      cosine: t ? num(t.minCosine, 6) : 'n/a',
      divergence: t ? divergenceText(t) : 'n/a',
      divergenceClass: t?.transcriptDivergence ? `div-${t.transcriptDivergence.cause}` : '',
      // what was said beside what each side heard, each side's WER against it
      reference: c.referenceText ?? NO_REFERENCE,
      baselineText: c.baselineText,
      deviceText: c.deviceText,
      baselineTruthWer: g ? pct(g.baseline.wer) : 'n/a',
      deviceTruthWer: g ? pct(g.device.wer) : 'n/a',
      /** REF/HYP lines of the normalised texts, and the same alignment word by word (for colour). */
      alignment: c.alignment,
      words: c.exact ? [] : wordAlignment(a, c.baselineText, c.deviceText).map((w) => ({ ...w, same: w.op === 'C' })),
    };
  });
  const c = a.corpus;
  const corpus = {
    cases: `${c.utterances} cases`,
    wer: pct(c.wer),
    cer: pct(c.cer),
    exact: `${c.exactMatches}/${c.utterances} (${pct(c.exactMatchRate)})`,
    s: String(c.substitutions),
    d: String(c.deletions),
    i: String(c.insertions),
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
    ? `normalizer ${sc.normalizer} (${sc.normalizerVersion}); WER and S/D/I by ${sc.werAlignment}; CER ${sc.cerSpaces === 'include' ? 'counting spaces (as jiwer)' : 'without whitespace'}${c.mer === undefined || c.wil === undefined || c.wip === undefined ? '' : `; corpus MER ${pct(c.mer)}, WIL ${pct(c.wil)}, WIP ${pct(c.wip)} (${sc.informationMeasures})`}`
    : `normalizer ${a.normalizer} (version not recorded)`;
  const differing = caseDifferences(a);
  const byId = new Map(cases.map((x) => [x.id, x]));
  const g = a.groundTruth;
  return {
    name: b.name,
    passed: a.passed,
    cases,
    corpus,
    tokenParity,
    scoring,
    groundTruth: g && {
      coverage: truthCoverage(g),
      rows: [
        { backend: 'baseline', score: truthScore(g.baseline) },
        { backend: b.name, score: truthScore(g.device) },
      ],
      difference: truthDifference(g, a.thresholds),
    },
    // one line per case over a threshold, then the corpus-level failures
    failures: [...differing.filter((x) => x.failed).map((x) => x.line), ...a.failures.filter((f) => f.case === undefined).map((f) => f.message)],
    differing: differing.map((x) => ({ ...byId.get(x.id)!, ...x })),
    evidence: evidenceView(a),
  };
}

function engineOf(b: BackendReport): string {
  const e = b.environment ?? {};
  if (e.whisperVersion) return `whisper.cpp ${e.whisperVersion}${e.useGpu ? ' (GPU)' : ''}`;
  return String(e.engine ?? NA);
}

const keyValues = (e: Record<string, unknown>) => Object.entries(e).map(([key, value]) => ({ key, value: String(value) }));

/**
 * The baseline's transcripts of cases no device's accuracy section shows (every device failed on
 * them, failed as a whole, or the run was stopped): computed, so reported.
 */
function uncompared(r: Report): (BaselineTranscript & { reference: string })[] {
  const shown = new Set(r.backends.flatMap((b) => (b.role === 'device' ? (b.accuracy?.cases ?? []).map((c) => c.id) : [])));
  const base = r.backends.find((b) => b.role === 'baseline');
  return (base?.transcripts ?? []).filter((t) => !shown.has(t.case)).map((t) => ({ ...t, reference: t.referenceText ?? NO_REFERENCE }));
}

/** The report as both human-readable formats show it. */
export function reportModel(r: Report) {
  const devices = r.backends.filter((b) => b.role === 'device');
  const ran = r.backends.filter((b) => b.status === 'ran');
  const perf = r.backends.find((b) => b.performance)?.performance;
  const base = r.backends.find((b) => b.role === 'baseline');
  return {
    // an interrupted run says so first: its verdict covers only what finished
    verdict: r.verdict,
    verdictLabel: r.interrupted ? `INTERRUPTED (${r.interrupted.signal}): ${r.verdict.toUpperCase()}` : r.verdict.toUpperCase(),
    verdictReasons: groupedReasons(r),
    generatedAt: r.generatedAt,
    version: String(r.environment.asrParity ?? ''),
    commit: r.environment.commit ? String(r.environment.commit) : undefined,
    configSource: r.config.source ?? undefined,
    config: r.config,
    checksText: r.checks.join(' and '),
    baselineCache: base?.baselineCache && baselineCacheLine(base.baselineCache),
    accuracyMeasured: r.checks.includes('accuracy'),
    thresholdLine: thresholdLine(r.config.thresholds),
    summary: { backends: devices.map((b) => b.name), rows: summaryRows(r, devices) },
    backendRows: r.backends.map((b) => ({
      name: b.name,
      role: b.role,
      required: b.required ? 'required' : 'optional',
      device: `${b.device} / ${b.precision}`,
      status: b.status === 'ran' ? 'ran' : `${b.status}: ${b.reason ?? ''}`,
      engine: engineOf(b),
      model: b.environment?.model ? `${b.environment.model} (${params(b)} parameters, sha256 ${String(b.environment.modelSha256 ?? '').slice(0, 12)}…)` : NA,
      threads: String(b.environment?.threads ?? NA),
    })),
    skippedInputs: r.inputs?.skipped ?? [],
    failedCases: failedCases(r),
    uncompared: uncompared(r),
    accuracy: devices.filter((b) => b.accuracy).map(accuracySection),
    // where a case broke, layer by layer (format-localization.ts)
    localization: localizationSections(r),
    localizationRule: localizationRule(r),
    perfMeasured: r.checks.includes('performance'),
    perfAudio: perf ? `${perf.audioSeconds} s` : 'no',
    // a backend that did not run has its reason in the Backends table, not a column of "not run" here
    perfBackends: ran.map((b) => b.name),
    perfRows: perfRows(ran),
    memoryNote: memoryNote(r.backends),
    regressions: r.regressions && {
      against: r.regressions.against,
      tolerance: pct(r.regressions.latencyTolerance),
      rows: r.regressions.items.map(regressionRow),
      latencyRows: (r.regressions.latency ?? []).map(latencyComparisonRow),
    },
    environmentRows: keyValues(r.environment),
    backendDetails: r.backends.filter((b) => b.environment).map((b) => ({ name: b.name, rows: keyValues(b.environment!) })),
    notAvailable: NA,
  };
}

export type ReportModel = ReturnType<typeof reportModel>;
