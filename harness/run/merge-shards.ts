import { latencyStats } from '../bench/latency-stats.ts';
import { ReportError } from '../errors.ts';
import { assembleReport } from '../report/assemble-report.ts';
import { mismatches } from '../report/comparability.ts';
import type { NamedReport } from '../report/merge-report-files.ts';
import type { AccuracyResult, BackendReport, BaselineCacheUse, PerformanceResult, Report } from '../report/report-types.ts';
import type { Finding } from '../score/finding.ts';
import { tokenParityPasses } from '../score/gate.ts';
import { summarizeTokenParity, type CaseTokenParity } from '../score/token-parity.ts';
import type { NormalizerName } from '../config/normalizer-names.ts';
import { scoreAccuracy, type ForcedParity } from './accuracy.ts';

/**
 * Shards of a split gate run (harness/run/shard-cases.ts) merged back into the report the whole
 * run would have written. Every corpus figure is computed again from the per-case data the shards
 * kept (counts, confidence bounds, the paired bootstrap and sign test, MAPSSWE: scoreAccuracy, the
 * same code as a run), over the cases in their unsharded order; latency statistics from the union
 * of the warm samples. No shard figure is averaged. Refused (exit 2, naming the files): shards of
 * different models or settings, of different corpora or shard counts, one shard given twice, a
 * case in two shards. Shards or cases that are absent make the merged verdict INCOMPLETE (exit 1),
 * each named.
 */
export function mergeShardReports(inputs: readonly NamedReport[]): NamedReport[] {
  const shards = inputs.filter((x) => x.report.shard);
  if (!shards.length) return [...inputs];
  const rest = inputs.filter((x) => !x.report.shard);
  // eval-accuracy and eval-perf shards of one gate: each kind merged on its own, then together as today
  const groups = new Map<string, NamedReport[]>();
  for (const s of shards) {
    const kind = s.report.shard!.accuracy ? 'accuracy' : 'performance';
    groups.set(kind, [...(groups.get(kind) ?? []), s]);
  }
  return [...[...groups.entries()].map(([kind, g]) => ({ name: `${g.length} ${kind} shard(s) (${g[0]!.name}...)`, report: mergeGroup(g) })), ...rest];
}

function refuse(name: string, problem: string, hint = 'merge the shards of one run: same models, settings, corpus and shard count'): never {
  throw new ReportError(name, problem, hint);
}

/** The checks that make a group of shards one run, or a ReportError naming the file at fault. */
function checkGroup(g: readonly NamedReport[]): void {
  const first = g[0]!;
  const s0 = first.report.shard!;
  const seen = new Map<number, string>();
  for (const x of g) {
    const s = x.report.shard!;
    if (s.count !== s0.count) refuse(x.name, `is shard ${s.index}/${s.count}, but ${first.name} is of ${s0.count} shards`);
    const m = mismatches(first.report, x.report);
    // not even --allow-mismatch: one corpus figure over cases scored by two models means nothing
    if (m.length) refuse(x.name, `a shard of another run than ${first.name}: ${m.map((d) => `${d.field} ${d.b} vs ${d.a}`).join('; ')}`);
    if (s.accuracy && s0.accuracy && s.accuracy.corpusIdsSha256 !== s0.accuracy.corpusIdsSha256) refuse(x.name, `a shard of another corpus than ${first.name} (${s.accuracy.corpusCases} vs ${s0.accuracy.corpusCases} cases, their ids differ)`);
    if (s.performance && s0.performance && s.performance.totalRuns !== s0.performance.totalRuns) refuse(x.name, `a shard of ${s.performance.totalRuns} warm runs, ${first.name} of ${s0.performance.totalRuns}`);
    const twice = seen.get(s.index);
    if (twice !== undefined) refuse(x.name, `shard ${s.index}/${s.count} is given twice (also ${twice})`, 'pass each shard once');
    seen.set(s.index, x.name);
  }
  // a case assigned to, or scored in, two shards would count twice in every corpus figure
  const owner = new Map<string, string>();
  for (const x of g) {
    const ids = new Set([...(x.report.shard!.accuracy?.ids ?? []), ...x.report.backends.flatMap((b) => b.accuracy?.cases.map((c) => c.id) ?? [])]);
    for (const id of ids) {
      const other = owner.get(id);
      if (other !== undefined) refuse(x.name, `case ${id} is in two shards (also ${other})`, 'merge the shards of one run, each once');
      owner.set(id, x.name);
    }
  }
}

function mergeGroup(g: readonly NamedReport[]): Report {
  checkGroup(g);
  const sorted = [...g].sort((a, b) => a.report.shard!.index - b.report.shard!.index);
  const reports = sorted.map((x) => x.report);
  const count = reports[0]!.shard!.count;
  const found = reports.map((r) => r.shard!.index);
  const position = new Map<string, number>();
  for (const r of reports) r.shard!.accuracy?.ids.forEach((id, i) => position.set(id, r.shard!.accuracy!.positions[i]!));
  const names = [...new Set(reports.flatMap((r) => r.backends.map((b) => b.name)))];
  const backends = names.map((n) => mergeBackend(reports.flatMap((r) => r.backends.filter((b) => b.name === n)), position));
  const interrupted = reports.find((r) => r.interrupted)?.interrupted;
  return assembleReport({
    config: reports[0]!.config,
    checks: [...new Set(reports.flatMap((r) => r.checks))],
    fragments: backends,
    skippedInputs: reports.flatMap((r) => r.inputs?.skipped ?? []),
    environment: reports[0]!.environment,
    interrupted,
    mergedShards: { count, found, missing: missingFindings(reports, count, found) },
  });
}

/** Shards not given, and cases a given shard was assigned but a backend that ran has no word on (neither scored nor left out). */
function missingFindings(reports: readonly Report[], count: number, found: readonly number[]): Finding[] {
  const out: Finding[] = [];
  const absent = [...Array(count).keys()].filter((i) => !found.includes(i));
  if (absent.length) {
    const acc = reports[0]!.shard!.accuracy;
    const have = reports.reduce((n, r) => n + (r.shard!.accuracy?.ids.length ?? 0), 0);
    const cases = acc ? `: ${acc.corpusCases - have} of ${acc.corpusCases} cases not checked` : '';
    out.push({ kind: 'shards-missing', observed: absent.length, message: `shard(s) ${absent.map((i) => `${i}/${count}`).join(', ')} missing from the merge${cases}` });
  }
  for (const r of reports) {
    const ids = r.shard!.accuracy?.ids ?? [];
    for (const b of r.backends) {
      if (!b.accuracy) continue;
      const known = new Set([...b.accuracy.cases.map((c) => c.id), ...(b.accuracy.casesLeftOut ?? []).map((c) => c.case)]);
      const lost = ids.filter((id) => !known.has(id));
      if (lost.length) out.push({ kind: 'shards-missing', backend: b.name, observed: lost.length, message: `${b.name}: ${lost.length} case(s) assigned to shard ${r.shard!.index}/${count} have no result: ${lost.slice(0, 10).join(', ')}${lost.length > 10 ? ', ...' : ''}` });
    }
  }
  return out;
}

const STATUS_RANK = { ran: 0, skipped: 1, failed: 2 } as const;

/** A case's place in the whole corpus (from the shards' records); last when no shard recorded it. */
const at = (position: ReadonlyMap<string, number>, id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;

/** One backend's entries from every shard as one entry: its figures computed again from the union of what the shards measured. */
function mergeBackend(parts: readonly BackendReport[], position: ReadonlyMap<string, number>): BackendReport {
  const worst = parts.reduce((w, p) => (STATUS_RANK[p.status] > STATUS_RANK[w.status] ? p : w));
  const merged: BackendReport = { ...parts[0]!, status: worst.status };
  delete merged.reason;
  if (worst.reason) merged.reason = worst.reason;
  const failedCases = parts.flatMap((p) => p.failedCases ?? []);
  if (failedCases.length) merged.failedCases = failedCases;
  const accuracy = parts.flatMap((p) => (p.accuracy ? [p.accuracy] : []));
  if (accuracy.length) merged.accuracy = mergeAccuracy(accuracy, position);
  const performance = parts.flatMap((p) => (p.performance ? [p.performance] : []));
  if (performance.length) merged.performance = mergePerformance(performance);
  // the baseline's transcripts of every case it finished, in the unsharded order
  if (parts.some((p) => p.transcripts)) merged.transcripts = parts.flatMap((p) => p.transcripts ?? []).sort((a, b) => at(position, a.case) - at(position, b.case));
  const caches = parts.flatMap((p) => (p.baselineCache ? [p.baselineCache] : []));
  if (caches.length) merged.baselineCache = mergeCacheUse(caches);
  return merged;
}

function mergeAccuracy(parts: readonly AccuracyResult[], position: ReadonlyMap<string, number>): AccuracyResult {
  const first = parts[0]!;
  // the unsharded order: the seeded bootstrap resamples by position, so the same cases in another order give other bounds
  const cases = parts.flatMap((p) => p.cases).sort((a, b) => at(position, a.id) - at(position, b.id));
  const leftOut = parts.flatMap((p) => p.casesLeftOut ?? []);
  const errors = parts.flatMap((p) => p.failures.filter((f) => f.kind === 'teacher-forcing-error'));
  const unavailable = parts.find((p) => !p.tokenParity.available)?.tokenParity;
  let forced: ForcedParity;
  if (unavailable) forced = { parity: new Map(), summary: undefined, tokenParity: unavailable };
  else {
    const parity = new Map(cases.flatMap((c): [string, CaseTokenParity][] => (c.tokenParity ? [[c.id, c.tokenParity]] : [])));
    const summary = summarizeTokenParity([...parity.values()]);
    forced = { parity, summary, tokenParity: { available: true, passed: tokenParityPasses(summary, first.thresholds), ...summary } };
  }
  if (errors.length) forced.error = new Error(errors.map((e) => e.message.replace(/^teacher forcing failed: /, '')).join('; '));
  const rows = cases.map((c) => ({ id: c.id, audio: c.audio, kind: c.kind, audioSeconds: c.audioSeconds, ...(c.audioFormat !== undefined ? { audioFormat: c.audioFormat } : {}), referenceText: c.referenceText ?? '', baselineText: c.baselineText, deviceText: c.deviceText }));
  const merged = scoreAccuracy(rows, forced, { normalizer: first.normalizer as NormalizerName, cerSpaces: first.scoring?.cerSpaces, thresholds: first.thresholds, leftOut });
  // the failure shapes and attestation are each shard's own, per case or per backend: kept as they were found (their tokens and logits are not in the report)
  const kept = parts.flatMap((p) => p.failures.filter((f) => SHARD_OWN.has(f.kind)));
  const attested = [...new Map(kept.filter((f) => f.kind === 'attestation').map((f) => [f.message, f])).values()];
  const shapes = kept.filter((f) => f.kind !== 'attestation');
  if (!kept.length) return merged;
  return { ...merged, passed: false, failures: [...attested, ...merged.failures, ...shapes] };
}

/** Findings a shard makes that no merged figure recomputes. */
const SHARD_OWN = new Set<Finding['kind']>(['repetition-loop', 'repeated-token-run', 'non-speech-text', 'non-finite-logits', 'truncation', 'attestation', 'language-mismatch', 'chunked-disagreement', 'batch-variance']);

/** Warm samples pooled in shard order and their statistics computed again; the first call, load and short clip are the lowest shard's (an unsharded run makes one of each); memory the largest. */
function mergePerformance(parts: readonly PerformanceResult[]): PerformanceResult {
  const first = parts[0]!;
  const samplesMs = parts.flatMap((p) => p.samplesMs);
  const stats = latencyStats(samplesMs, first.latencyMs.confidence);
  const max = (f: (p: PerformanceResult) => number) => Math.max(...parts.map(f));
  const cpu = parts.every((p) => p.cpuMsPerRun) ? { cpuMsPerRun: parts.flatMap((p) => p.cpuMsPerRun!) } : {};
  const underLoad = parts.find((p) => p.underLoad && !p.underLoad.passed)?.underLoad ?? first.underLoad;
  return {
    ...first,
    latencyMs: stats,
    samplesMs,
    rtf: stats.mean / 1000 / first.audioSeconds,
    rtfx: first.audioSeconds / (stats.mean / 1000),
    memory: { ...first.memory, hostRssAfterRunsBytes: max((p) => p.memory.hostRssAfterRunsBytes), hostPeakRssBytes: max((p) => p.memory.hostPeakRssBytes) },
    determinism: { runs: parts.reduce((n, p) => n + p.determinism.runs, 0), distinctOutputs: max((p) => p.determinism.distinctOutputs), deterministic: parts.every((p) => p.determinism.deterministic) },
    ...cpu,
    ...(underLoad ? { underLoad } : {}),
    ...(first.outside ? { outside: { ...first.outside, ...(parts.every((p) => p.outside?.callWallMs) ? { callWallMs: parts.flatMap((p) => p.outside!.callWallMs!) } : {}), disagreements: parts.flatMap((p) => p.outside?.disagreements ?? []) } } : {}),
  };
}

function mergeCacheUse(parts: readonly BaselineCacheUse[]): BaselineCacheUse {
  const sum = (k: 'transcripts' | 'logits') => ({ lookups: parts.reduce((n, p) => n + p[k].lookups, 0), hits: parts.reduce((n, p) => n + p[k].hits, 0) });
  return { ...parts[0]!, transcripts: sum('transcripts'), logits: sum('logits'), fromRuns: [...new Set(parts.flatMap((p) => p.fromRuns))], problems: parts.flatMap((p) => p.problems) };
}
