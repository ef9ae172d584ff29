import { words } from '../score/error-rate.ts';
import { align, type Op } from '../score/align.ts';
import { getNormalizer } from '../score/normalizers.ts';
import type { CaseTokenParity } from '../score/token-parity.ts';
import { formatDrift, formatPercentile } from './format-latency.ts';
import type { FindingMetric } from '../score/finding.ts';
import type { AccuracyResult, BackendReport, CaseFailure as FailedCase, Finding, LatencyComparison, Regression, Report } from './report-types.ts';
import type { MachineState } from '../bench/machine-state.ts';
import { median } from '../bench/child-time.ts';

/**
 * What the Markdown and the HTML report both show, as plain text rows: computed once here so the
 * two never disagree. Each renderer escapes for its own format. A figure the run did not measure
 * gets no row; "not available on this machine" is kept for a figure that was measured for some
 * backends but that this one cannot report.
 */
export const NA = 'not available on this machine';

export const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
export const ms = (x: number) => `${x.toFixed(1)} ms`;
export const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
export const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
export const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export function params(b: BackendReport): string {
  const p = b.environment?.modelParameters;
  return typeof p === 'number' ? (p >= 1e6 ? `${(p / 1e6).toFixed(1)}M` : String(p)) : NA;
}

/** A backend that did not run: its reason once, in the backends table; elsewhere just the status. */
export function skipped(b: BackendReport): string | undefined {
  return b.status === 'ran' ? undefined : `${b.status === 'failed' ? 'failed' : 'not run'} (see Backends)`;
}

/** The first token where the device's transcript left the baseline's, teacher-forced. */
export function divergenceText(t: CaseTokenParity | null | undefined): string {
  if (!t) return 'not measured';
  const d = t.transcriptDivergence;
  return d ? `step ${d.step}, margin ${d.margin === null ? 'n/a' : num(d.margin)} (${d.cause})` : 'none';
}

export interface Row {
  label: string;
  cells: string[];
}

const METRIC_NAMES: Record<FindingMetric, string> = { wer: 'WER', cer: 'CER', exactMatch: 'exact match', decisiveTop1Agreement: 'top-1 agreement', werIncrease: 'WER increase', timedTranscripts: 'timed transcripts', compressionRatio: 'compression ratio', tokenRun: 'repeated-token run', nonFiniteLogits: 'NaN/Inf logits', lengthRatio: 'length against the baseline', tailDeletions: 'tail deletions', languageProbability: 'language probability' };

/** The failure shapes (harness/score/failure-shapes.ts) as a summary names them. */
const SHAPE_NAMES: [Finding['kind'], string][] = [
  ['repetition-loop', 'a repetition loop'],
  ['repeated-token-run', 'a repeated-token run'],
  ['non-speech-text', 'text on a non-speech probe'],
  ['non-finite-logits', 'NaN/Inf logits'],
  ['truncation', 'truncation'],
  ['attestation', 'ran on another device or dtype than configured, or fell back to the CPU'],
  ['language-mismatch', 'another language identified'],
  ['batch-variance', 'batching changes tokens'],
  ['chunked-disagreement', 'chunked decoding disagrees'],
];

/** Why an accuracy check failed, in a few words, from its findings' kinds and metrics (never their messages). */
export function failureSummary(failures: readonly Finding[]): string {
  const cases = new Set(failures.flatMap((f) => (f.kind === 'case-threshold' && f.case !== undefined ? [f.case] : []))).size;
  const of = (kind: Finding['kind']) => [...new Set(failures.filter((f) => f.kind === kind).map((f) => (f.metric ? METRIC_NAMES[f.metric] : '')))].filter(Boolean).join(', ');
  const parts = [
    cases && `${cases} case${cases === 1 ? '' : 's'} over a threshold`,
    of('corpus-threshold') && `corpus ${of('corpus-threshold')} beyond the threshold`,
    of('insufficient-evidence') && `insufficient evidence for ${of('insufficient-evidence')}`,
    failures.some((f) => f.kind === 'token-parity') && 'token parity below its minimum',
    failures.some((f) => f.kind === 'wer-increase') && 'WER against the reference text rose',
    failures.some((f) => f.kind === 'teacher-forcing-error') && 'teacher forcing failed',
    ...SHAPE_NAMES.map(([kind, words]) => failures.some((f) => f.kind === kind) && words),
    failures.some((f) => f.kind === 'legacy') && 'see its failures',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'no failure recorded';
}

/** The Summary table: one row per check the run made. */
export function summaryRows(r: Report, devices: BackendReport[]): Row[] {
  const perf = r.checks.includes('performance');
  const base = r.backends.find((b) => b.role === 'baseline');
  const row = (label: string, f: (b: BackendReport) => string): Row => ({ label, cells: devices.map((b) => skipped(b) ?? f(b)) });
  const rows = [
    row('model loaded onto the device', (b) => (b.performance ? `ok, ${ms(b.performance.loadMs)}` : b.accuracy ? 'ok' : NA)),
    row('device name', (b) => String(b.environment?.deviceName ?? NA)),
  ];
  if (perf) rows.push(row('short audio', (b) => (b.performance ? `text produced (${b.performance.shortAudio.text.length} chars) in ${(b.performance.shortAudio.latencyMs / 1000).toFixed(3)} s for ${b.performance.shortAudio.audioSeconds} s` : NA)));
  if (r.checks.includes('accuracy')) {
    rows.push(row(`accuracy vs ${base?.name ?? 'baseline'}`, (b) => {
      const a = b.accuracy;
      if (!a) return NA;
      const c = a.corpus;
      return `${a.passed ? 'PASS' : `FAIL (${failureSummary(a.failures)})`}: WER ${pct(c.wer)}, CER ${pct(c.cer)}, exact ${c.exactMatches}/${c.utterances}${c.exactMatches === c.utterances ? ', texts identical' : ''}`;
    }));
  }
  if (perf) rows.push(row('speedup over baseline', (b) => (b.performance?.speedup == null ? NA : `${num(b.performance.speedup, 2)}x`)));
  return dropEmpty(rows);
}

const NOT_RUN = /^(failed|not run) \(see Backends\)$/;

/** A row with no figure in it (only "not available" or backends that did not run) says nothing: dropped. */
function dropEmpty(rows: Row[]): Row[] {
  return rows.filter((x) => x.cells.some((c) => c !== NA && !NOT_RUN.test(c)));
}

export interface EvidenceRow {
  figure: string;
  observed: string;
  bound: string;
  threshold: string;
  supported: boolean;
  /** What the row says of the claim: supported, missed outright (the observed value is already beyond the threshold: that is evidence, a FAIL), or too little data. */
  judgement: string;
  needs: string;
}

const MISSED = 'no: the observed value already misses the threshold (FAIL)';
const THIN = 'no: insufficient evidence';
const judged = (supported: boolean, missed: boolean) => (supported ? 'yes' : missed ? MISSED : THIN);

/** Each accuracy claim with the bound the data supports and whether that meets the threshold. */
export function evidenceView(a: AccuracyResult) {
  const e = a.evidence;
  const t = a.thresholds;
  const rows: EvidenceRow[] = [
    { figure: 'WER', observed: `${pct(e.wer.point)} (${e.wer.errors} errors in ${e.wer.units} words)`, bound: `<= ${pct(e.wer.upper)}`, threshold: `< ${pct(t.maxWer)}`, supported: e.wer.sufficient, judgement: judged(e.wer.sufficient, !(e.wer.point < t.maxWer)), needs: e.wer.unitsNeeded === null ? '' : `${e.wer.unitsNeeded} words without errors` },
    { figure: 'CER', observed: `${pct(e.cer.point)} (${e.cer.errors} errors in ${e.cer.units} characters)`, bound: `<= ${pct(e.cer.upper)}`, threshold: `< ${pct(t.maxCer)}`, supported: e.cer.sufficient, judgement: judged(e.cer.sufficient, !(e.cer.point < t.maxCer)), needs: e.cer.unitsNeeded === null ? '' : `${e.cer.unitsNeeded} characters without errors` },
    { figure: 'exact match', observed: `${pct(e.exactMatch.point)} (${e.exactMatch.matches} of ${e.exactMatch.utterances})`, bound: `>= ${pct(e.exactMatch.lower)}`, threshold: `>= ${pct(t.minExactMatchRate)}`, supported: e.exactMatch.sufficient, judgement: judged(e.exactMatch.sufficient, !(e.exactMatch.point >= t.minExactMatchRate)), needs: e.exactMatch.utterancesNeeded === null ? '' : `${e.exactMatch.utterancesNeeded} utterances without a mismatch` },
  ];
  return {
    confidence: pct(e.confidence),
    mode: e.mode,
    heading: `${pct(e.confidence)} one-sided bounds; the gate uses ${e.mode === 'bound' ? 'the bounds' : 'point values only (evidence "point"): the bounds are shown, not applied'}`,
    rows,
    method: e.wer.method.replace(/ on \d+ units$/, ''),
  };
}

export interface CaseFailure {
  id: string;
  audio: string;
  wer: string;
  cer: string;
  divergence: string;
  /** Over a threshold (a failure), rather than a difference within the thresholds. */
  failed: boolean;
  line: string;
}

/** Every case whose transcripts differ, one line each: WER, CER and the first divergence. */
export function caseDifferences(a: AccuracyResult): CaseFailure[] {
  const failing = new Set(a.failures.map((f) => f.case));
  return a.cases.filter((c) => !c.exact).map((c) => {
    // as the gate judged it: a case failed when a failure names it (by its id field, never its text)
    const failed = failing.has(c.id);
    const divergence = divergenceText(c.tokenParity);
    return { id: c.id, audio: c.audio, wer: pct(c.wer), cer: pct(c.cer), divergence, failed, line: `${c.id}: WER ${pct(c.wer)}, CER ${pct(c.cer)}; first divergence ${divergence}` };
  });
}

/** Every case a backend failed on, baseline first, in run order: one table in each report. */
export function failedCases(r: Pick<Report, 'backends'>): FailedCase[] {
  return r.backends.flatMap((b) => b.failedCases ?? []);
}

/**
 * The verdict's reasons with a backend's per-case failures folded into one line that counts
 * them (the cases are listed under that backend's Failures, one line each).
 */
export function groupedReasons(r: Report): string[] {
  const out: string[] = [];
  const folded = new Set<string>();
  for (const reason of r.verdictReasons) {
    const b = reason.case === undefined ? undefined : r.backends.find((x) => x.accuracy && x.name === reason.backend);
    if (!b) {
      out.push(reason.message);
      continue;
    }
    if (folded.has(b.name)) continue;
    folded.add(b.name);
    const failing = [...new Set(b.accuracy!.failures.flatMap((f) => (f.case === undefined ? [] : [f.case])))];
    out.push(`${b.name}: ${failing.length} of ${b.accuracy!.cases.length} cases over a threshold (${failing.join(', ')}); see its failures`);
  }
  return out;
}

/** Performance figures, one row each, only those the run measured for at least one backend. */
export function perfRows(list: BackendReport[]): Row[] {
  const row = (label: string, f: (b: BackendReport) => string): Row => ({ label, cells: list.map((b) => skipped(b) ?? (b.performance ? f(b) : NA)) });
  type Device = NonNullable<NonNullable<BackendReport['performance']>['memory']['device']>;
  const dev = (f: (d: Device) => number | undefined) => (b: BackendReport) => {
    const d = b.performance!.memory.device;
    const v = d ? f(d) : undefined;
    return v === undefined ? NA : gib(v);
  };
  const p = (b: BackendReport) => b.performance!;
  return dropEmpty([
    row('load time', (b) => ms(p(b).loadMs)),
    row('first call', (b) => ms(p(b).firstCallMs)),
    row('warm runs', (b) => String(p(b).latencyMs.runs)),
    row('mean latency', (b) => ms(p(b).latencyMs.mean)),
    row('P50 latency', (b) => formatPercentile(p(b).latencyMs, 'p50')),
    row('P90 latency', (b) => formatPercentile(p(b).latencyMs, 'p90')),
    row('P99 latency', (b) => formatPercentile(p(b).latencyMs, 'p99')),
    row('stdev', (b) => ms(p(b).latencyMs.stdev)),
    row('drift over the runs', (b) => formatDrift(p(b).latencyMs)),
    row('min / max', (b) => `${ms(p(b).latencyMs.min)} / ${ms(p(b).latencyMs.max)}`),
    row('mean RTF', (b) => num(p(b).rtf, 4)),
    row('RTFx', (b) => `${num(p(b).rtfx, 1)}x`),
    // each backend is measured in a process of its own: the load delta is this model's alone
    row('host RSS added by loading', (b) => mib(p(b).memory.hostRssAfterLoadBytes - p(b).memory.hostRssBeforeLoadBytes)),
    row('host peak RSS (its own process)', (b) => mib(p(b).memory.hostPeakRssBytes)),
    row('device memory allocated', dev((d) => d.allocatedBytes)),
    row('device memory reserved', dev((d) => d.reservedBytes)),
    row('device memory peak', dev((d) => d.peakBytes)),
    row('deterministic', (b) => { const d = p(b).determinism; return d.deterministic ? `yes, ${d.runs} identical runs` : `NO: ${d.distinctOutputs} different outputs in ${d.runs} runs`; }),
    row('timed transcripts = checked', (b) => {
      const u = p(b).underLoad;
      if (!u) return 'not checked';
      return u.passed ? `yes, ${u.calls} of ${u.calls} equal the ${u.reference}'s` : `NO: ${u.calls - u.matching} of ${u.calls} differ from the ${u.reference}'s (${u.differences.map((d) => `${d.call}: "${d.text}" vs "${d.referenceText}"`).join('; ')})`;
    }),
    row('CPU time per warm run (median)', (b) => (p(b).cpuMsPerRun?.length ? ms(median(p(b).cpuMsPerRun!)) : NA)),
    row('machine during the runs', (b) => (p(b).machine ? machineText(p(b).machine!) : NA)),
    // figures taken from outside a backend in another process, never its own word
    row('backend process RSS / peak (from /proc)', (b) => {
      const m = p(b).outside?.processMemory;
      return m ? `${mib(m.rssBytes)} / ${mib(m.peakRssBytes)}` : NA;
    }),
    row('reported time vs harness clock', (b) => {
      const o = p(b).outside;
      if (!o) return NA;
      const wall = o.callWallMs ? `harness median ${ms(median(o.callWallMs))} per warm call` : `whole measurement ${ms(o.measurementWallMs ?? Number.NaN)} from outside`;
      if (!o.disagreements.length) return `agree (${wall})`;
      const more = o.disagreements.filter((d) => d.kind === 'more');
      const less = o.disagreements.filter((d) => d.kind === 'less');
      return [more.length ? `IMPOSSIBLE: ${more.length} call(s) claim more time than they took (${more.map((d) => `${d.call}: ${ms(d.reportedMs)} claimed, ${ms(d.wallMs)} taken`).slice(0, 3).join('; ')})` : '', less.length ? `SUSPICIOUS: ${less.length} call(s) claim under half the time they took (${less.map((d) => `${d.call}: ${ms(d.reportedMs)} claimed, ${ms(d.wallMs)} taken`).slice(0, 3).join('; ')})` : ''].filter(Boolean).join('; ');
    }),
    row('speedup over baseline', (b) => (b.role === 'baseline' ? '1.00x (baseline)' : p(b).speedup === null ? NA : `${num(p(b).speedup!, 2)}x`)),
  ]);
}

/**
 * How far the memory figures can be read per backend: each in a process of its own (the
 * default, isolation on), or one after another in one process, where a later backend's RSS
 * includes what the earlier ones left behind.
 */
export function memoryNote(list: BackendReport[]): string {
  const measured = list.filter((b) => b.performance);
  const shared = measured.filter((b) => b.environment?.isolated !== true).map((b) => b.name);
  return shared.length
    ? `Memory: ${shared.join(', ')} measured in one shared process, one after another: a later backend's RSS includes, or reuses, what earlier ones left, so neither its load delta nor its peak is its own (isolation, on by default, measures each in a process of its own).`
    : 'Memory: each backend ran in a process of its own, so its load delta (RSS after loading minus before) and its peak are its own, never another backend\'s.';
}

/** How busy the machine was: load averages, other processes' share of the CPU, steal; BUSY first when it was. */
export function machineText(m: MachineState): string {
  const share = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(0)}%`);
  const facts = `load ${m.loadAverageBefore[0]!.toFixed(2)} -> ${m.loadAverageAfter[0]!.toFixed(2)} on ${m.cpus} CPUs, other processes ${share(m.othersCpuShare)} of the CPU, steal ${share(m.stealShare)}`;
  return m.busy ? `BUSY (figures slower than the backend alone): ${facts}` : facts;
}

/** What a reader must know before trusting a backend's performance figures: a busy machine, a worker's times the harness's clock contradicts. */
export function performanceWarnings(name: string, p: NonNullable<BackendReport['performance']>): string[] {
  const out: string[] = [];
  if (p.machine?.busy) out.push(`warning: ${name} was measured on a busy machine: ${machineText(p.machine)}`);
  for (const kind of ['more', 'less'] as const) {
    const d = p.outside?.disagreements.filter((x) => x.kind === kind) ?? [];
    if (d.length) out.push(`warning: ${name} reported ${kind === 'more' ? 'more time than' : 'under half the time'} the harness measured around ${d.length} call(s)${kind === 'more' ? ' (impossible: its timings are not to be trusted)' : ' (suspicious: the rest is unaccounted for)'}, e.g. ${d[0]!.call}: ${ms(d[0]!.reportedMs)} reported, ${ms(d[0]!.wallMs)} taken`);
  }
  return out;
}

export interface LatencyComparisonRow {
  backend: string;
  metric: string;
  before: string;
  after: string;
  ratio: string;
  judgement: string;
}

/** A latency comparison for reading: medians, the ratio with its interval, the judgement and whether the machine was busy. */
export function latencyComparisonRow(c: LatencyComparison): LatencyComparisonRow {
  const interval = c.lower === null || c.upper === null ? (c.runsBefore === 1 ? 'one sample each' : 'too few runs for an interval') : `${(100 * c.confidence).toFixed(0)}%: ${c.lower.toFixed(2)}x..${c.upper.toFixed(2)}x`;
  const busy = c.busyMachine.length ? ` (machine busy ${c.busyMachine.join(' and ')}${c.tolerance === undefined ? '' : `: judged against +${(100 * c.tolerance).toFixed(0)}%`})` : '';
  return { backend: c.backend, metric: c.metric, before: `${ms(c.beforeMs)}${c.metric === 'warm latency' ? ` (median of ${c.runsBefore})` : ''}`, after: `${ms(c.afterMs)}${c.metric === 'warm latency' ? ` (median of ${c.runsAfter})` : ''}`, ratio: `${c.ratio.toFixed(2)}x (${interval})`, judgement: `${c.judgement}${busy}` };
}

export interface RegressionRow {
  backend: string;
  metric: string;
  before: string;
  after: string;
  change: string;
  relative: string;
}

/** A regression's figures formatted for reading, with the absolute and the relative change. */
export function regressionRow(x: Regression): RegressionRow {
  // older reports carry no unit: their latency metrics say "(ms)" in the name
  const unit = x.unit ?? (/\(ms\)$/.test(x.metric) ? 'ms' : 'fraction');
  const d = x.after - x.before;
  const sign = d > 0 ? '+' : d < 0 ? '-' : '±';
  const value = unit === 'ms' ? ms : pct;
  const change = unit === 'ms' ? `${sign}${Math.abs(d).toFixed(1)} ms` : `${sign}${(100 * Math.abs(d)).toFixed(2)} pp`;
  const relative = x.before === 0 ? `n/a (before was 0)` : `${sign}${((100 * Math.abs(d)) / Math.abs(x.before)).toFixed(1)}%`;
  return { backend: x.backend, metric: x.metric, before: value(x.before), after: value(x.after), change, relative };
}

export interface AlignedWord {
  op: Op;
  ref: string;
  hyp: string;
}

/**
 * The word alignment of a case's normalised transcripts (the one its WER counts), for colouring:
 * the same aligner and normaliser the score used, run again on the texts the report keeps.
 */
export function wordAlignment(a: AccuracyResult, baselineText: string, deviceText: string): AlignedWord[] {
  let normalize: (s: string) => string;
  try {
    normalize = getNormalizer(a.normalizer);
  } catch {
    normalize = (s) => s.trim();
  }
  return align(words(normalize(baselineText)), words(normalize(deviceText))).pairs.map((p) => ({ op: p.op, ref: p.ref ?? '', hyp: p.hyp ?? '' }));
}
