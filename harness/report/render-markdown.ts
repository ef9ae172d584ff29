import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { formatDrift, formatPercentile } from './format-latency.ts';
import { truthCoverage, truthDifference, truthScore } from './format-ground-truth.ts';
import type { BackendReport, Report } from './report-types.ts';

const NA = 'not available on this machine';
const TEMPLATE = new URL('../../reports/report.md.hbs', import.meta.url);

let compiled: HandlebarsTemplateDelegate | undefined;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
// Markdown table cells: a pipe or newline would break the row
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function params(b: BackendReport): string {
  const p = b.environment?.modelParameters;
  return typeof p === 'number' ? (p >= 1e6 ? `${(p / 1e6).toFixed(1)}M` : String(p)) : NA;
}

/** A backend that did not run: its reason once, in the backends table; elsewhere just the status. */
function skipped(b: BackendReport): string | undefined {
  return b.status === 'ran' ? undefined : `${b.status === 'failed' ? 'failed' : 'not run'} (see Backends)`;
}

function summaryRows(devices: BackendReport[], base: BackendReport | undefined, perfMeasured: boolean) {
  const noPerf = perfMeasured ? NA : 'not measured in this run';
  const row = (label: string, f: (b: BackendReport) => string) => ({ label, cells: devices.map((b) => skipped(b) ?? f(b)) });
  return [
    row('model loaded onto the device', (b) => (b.performance ? `ok, ${ms(b.performance.loadMs)}` : b.accuracy ? 'ok' : NA)),
    row('device name', (b) => cell(String(b.environment?.deviceName ?? NA))),
    row('short audio', (b) => (b.performance ? `text produced (${b.performance.shortAudio.text.length} chars) in ${(b.performance.shortAudio.latencyMs / 1000).toFixed(3)} s for ${b.performance.shortAudio.audioSeconds} s` : noPerf)),
    row(`accuracy vs ${base?.name ?? 'baseline'}`, (b) => {
      const a = b.accuracy;
      if (!a) return NA;
      const c = a.corpus;
      return `${a.passed ? 'PASS' : 'FAIL'}: WER ${pct(c.wer)}, CER ${pct(c.cer)}, exact ${c.exactMatches}/${c.utterances}${c.exactMatches === c.utterances ? ', texts identical' : ''}`;
    }),
    row('device memory', (b) => {
      if (!b.performance) return noPerf;
      const d = b.performance.memory.device;
      if (!d) return NA;
      const parts = [d.allocatedBytes !== undefined && `${gib(d.allocatedBytes)} allocated`, d.reservedBytes !== undefined && `${gib(d.reservedBytes)} reserved`, d.peakBytes !== undefined && `${gib(d.peakBytes)} peak`].filter(Boolean);
      return parts.length ? parts.join(' / ') : NA;
    }),
  ];
}

function accuracySection(b: BackendReport) {
  const a = b.accuracy!;
  const tp = a.tokenParity;
  const rows = a.cases.map((c) => {
    const t = c.tokenParity;
    const div = t?.transcriptDivergence;
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
      divergence: div ? `step ${div.step}, margin ${div.margin === null ? 'n/a' : num(div.margin)} (${div.cause})` : t ? 'none' : 'n/a',
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
  const failing = a.cases.filter((x) => !x.exact).map((x) => ({ id: x.id, audio: x.audio, baselineText: x.baselineText, deviceText: x.deviceText, alignment: x.alignment }));
  const e = a.evidence;
  const t = a.thresholds;
  const yes = (ok: boolean) => (ok ? 'yes' : '**no: insufficient evidence**');
  const evidence = {
    heading: `${pct(e.confidence)} one-sided bounds; the gate uses ${e.mode === 'bound' ? 'the bounds' : '**point values only** (evidence: "point"): the bounds are shown, not applied'}`,
    rows: [
      { figure: 'WER', observed: `${pct(e.wer.point)} (${e.wer.errors} errors in ${e.wer.units} words)`, bound: `<= ${pct(e.wer.upper)}`, threshold: `< ${pct(t.maxWer)}`, supported: yes(e.wer.sufficient), needs: e.wer.unitsNeeded === null ? '' : `${e.wer.unitsNeeded} words without errors` },
      { figure: 'CER', observed: `${pct(e.cer.point)} (${e.cer.errors} errors in ${e.cer.units} characters)`, bound: `<= ${pct(e.cer.upper)}`, threshold: `< ${pct(t.maxCer)}`, supported: yes(e.cer.sufficient), needs: e.cer.unitsNeeded === null ? '' : `${e.cer.unitsNeeded} characters without errors` },
      { figure: 'exact match', observed: `${pct(e.exactMatch.point)} (${e.exactMatch.matches} of ${e.exactMatch.utterances})`, bound: `>= ${pct(e.exactMatch.lower)}`, threshold: `>= ${pct(t.minExactMatchRate)}`, supported: yes(e.exactMatch.sufficient), needs: e.exactMatch.utterancesNeeded === null ? '' : `${e.exactMatch.utterancesNeeded} utterances without a mismatch` },
    ],
    method: e.wer.method.replace(/ on \d+ units$/, ''),
  };
  const g = a.groundTruth;
  const groundTruth = g && {
    coverage: truthCoverage(g),
    rows: [
      { backend: `baseline`, score: truthScore(g.baseline) },
      { backend: b.name, score: truthScore(g.device) },
    ],
    difference: truthDifference(g, t),
  };
  return { name: b.name, rows, corpus, tokenParity, failing, evidence, groundTruth };
}

function perfRows(list: BackendReport[]) {
  const row = (label: string, f: (b: BackendReport) => string) => ({ label, cells: list.map((b) => skipped(b) ?? (b.performance ? f(b) : NA)) });
  const dev = (f: (d: NonNullable<NonNullable<BackendReport['performance']>['memory']['device']>) => number | undefined, fmt = gib) => (b: BackendReport) => {
    const d = b.performance!.memory.device;
    const v = d ? f(d) : undefined;
    return v === undefined ? NA : fmt(v);
  };
  return [
    row('parameters', params),
    row('precision', (b) => b.precision),
    row('load time', (b) => ms(b.performance!.loadMs)),
    row('first call', (b) => ms(b.performance!.firstCallMs)),
    row('warm runs', (b) => String(b.performance!.latencyMs.runs)),
    row('mean latency', (b) => ms(b.performance!.latencyMs.mean)),
    row('P50 latency', (b) => formatPercentile(b.performance!.latencyMs, 'p50')),
    row('P90 latency', (b) => formatPercentile(b.performance!.latencyMs, 'p90')),
    row('P99 latency', (b) => formatPercentile(b.performance!.latencyMs, 'p99')),
    row('stdev', (b) => ms(b.performance!.latencyMs.stdev)),
    row('drift over the runs', (b) => formatDrift(b.performance!.latencyMs)),
    row('min / max', (b) => `${ms(b.performance!.latencyMs.min)} / ${ms(b.performance!.latencyMs.max)}`),
    row('mean RTF', (b) => num(b.performance!.rtf, 4)),
    row('RTFx', (b) => `${num(b.performance!.rtfx, 1)}x`),
    row('host RSS after load', (b) => mib(b.performance!.memory.hostRssAfterLoadBytes)),
    row('host peak RSS (process)', (b) => mib(b.performance!.memory.hostPeakRssBytes)),
    row('device memory allocated', dev((d) => d.allocatedBytes)),
    row('device memory reserved', dev((d) => d.reservedBytes)),
    row('device memory peak', dev((d) => d.peakBytes)),
    row('deterministic', (b) => { const d = b.performance!.determinism; return d.deterministic ? `yes, ${d.runs} identical runs` : `**no**: ${d.distinctOutputs} different outputs in ${d.runs} runs`; }),
    row('speedup over baseline', (b) => (b.role === 'baseline' ? '1.00x (baseline)' : b.performance!.speedup === null ? NA : `${num(b.performance!.speedup, 2)}x`)),
  ];
}

function rowsOf(e: Record<string, unknown>) {
  return Object.entries(e).map(([key, value]) => ({ key, value: cell(String(value)) }));
}

function engineOf(b: BackendReport): string {
  const e = b.environment ?? {};
  if (e.whisperVersion) return cell(`whisper.cpp ${e.whisperVersion}${e.useGpu ? ' (GPU)' : ''}`);
  return cell(String(e.engine ?? NA));
}

export function renderMarkdown(r: Report): string {
  compiled ??= Handlebars.compile(readFileSync(TEMPLATE, 'utf8'), { noEscape: true, strict: false });
  const base = r.backends.find((b) => b.role === 'baseline');
  const devices = r.backends.filter((b) => b.role === 'device');
  const perf = r.backends.find((b) => b.performance)?.performance;
  const t = r.config.thresholds;
  return compiled({
    ...r,
    verdictLabel: r.verdict.toUpperCase(),
    configSource: r.config.source ? `\`${r.config.source}\`` : 'built-in defaults',
    thresholds: { maxWer: pct(t.maxWer), maxCer: pct(t.maxCer), minExactMatchRate: pct(t.minExactMatchRate), minTop1Agreement: pct(t.minTop1Agreement) },
    devices,
    summaryRows: summaryRows(devices, base, r.checks.includes('performance')),
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
    accuracy: devices.filter((b) => b.accuracy).map(accuracySection),
    perfAudio: perf ? `${perf.audioSeconds} s` : 'no',
    perfMeasured: r.checks.includes('performance'),
    perfBackends: r.backends.map((b) => b.name),
    perfRows: perfRows(r.backends),
    regressions: r.regressions && { ...r.regressions, tolerance: pct(r.regressions.latencyTolerance) },
    environmentRows: rowsOf(r.environment),
    backendDetails: r.backends.filter((b) => b.environment).map((b) => ({ name: b.name, rows: rowsOf(b.environment!) })),
  });
}
