import { existsSync, statSync } from 'node:fs';
import type { Config } from '../config/load-config.ts';
import { ReportError } from '../errors.ts';
import { sha256File } from '../io/file-sha256.ts';
import { environmentRecord } from './environment.ts';
import type { BackendReport, Check, Environment, Report, SkippedInput } from './report-types.ts';
import { verdictOf } from './verdict.ts';
import type { Finding } from '../score/finding.ts';

const STATUS_RANK = { skipped: 0, ran: 1, failed: 2 } as const;
const CHECK_ORDER: readonly Check[] = ['accuracy', 'performance'];

/** Fragments of one backend (accuracy from one run, performance from another) become one entry. */
export function mergeFragments(fragments: readonly BackendReport[]): BackendReport[] {
  const byName = new Map<string, BackendReport>();
  for (const f of fragments) {
    const prev = byName.get(f.name);
    if (!prev) {
      byName.set(f.name, { ...f });
      continue;
    }
    const worse = STATUS_RANK[f.status] > STATUS_RANK[prev.status] ? f : prev;
    const merged: BackendReport = { ...prev, ...f, required: prev.required || f.required, status: worse.status, environment: { ...prev.environment, ...f.environment }, accuracy: f.accuracy ?? prev.accuracy, performance: f.performance ?? prev.performance };
    // the reason belongs to the status kept: a backend that ran somewhere is not "skipped because"
    if (worse.reason) merged.reason = worse.reason;
    else delete merged.reason;
    byName.set(f.name, merged);
  }
  // the baseline first, then devices in the order they came
  return [...byName.values()].sort((a, b) => (a.role === b.role ? 0 : a.role === 'baseline' ? -1 : 1));
}

/** The part of a config a report records. */
export async function configSummary(config: Config, casesFrom: string = config.fixtures, corpus?: Report['config']['corpus']): Promise<Report['config']> {
  // the cases' source: the config's fixtures, or the file, folder or manifest a command was given
  const isFile = existsSync(casesFrom) && statSync(casesFrom).isFile();
  return {
    source: config.source,
    normalizer: config.normalizer,
    thresholds: config.thresholds,
    baseline: config.baseline.name,
    fixtures: casesFrom,
    fixturesSha256: isFile ? await sha256File(casesFrom) : null,
    ...(corpus ? { corpus } : {}),
  };
}

export interface ReportParts {
  config: Report['config'];
  checks: readonly Check[];
  fragments: readonly BackendReport[];
  skippedInputs?: readonly SkippedInput[];
  environment?: Environment;
  /** The run was stopped by a signal: the report holds what finished, and cannot PASS. */
  interrupted?: Report['interrupted'];
  /** This run was one shard of a split run. */
  shard?: Report['shard'];
  /** Merged from shards: which were found, and what is missing (shards, or cases of one), each a reason the gate is INCOMPLETE. */
  mergedShards?: Report['mergedShards'] & { missing: readonly Finding[] };
}

/** An interrupted run checked only part of what it set out to: never PASS (INCOMPLETE), and a FAIL found before the stop stays FAIL. */
function interruptedVerdict(v: Pick<Report, 'verdict' | 'verdictReasons'>, interrupted: Report['interrupted']): Pick<Report, 'verdict' | 'verdictReasons' | 'interrupted'> {
  if (!interrupted) return v;
  const under = interrupted.backend ? ` while ${interrupted.backend} was ${interrupted.during ?? 'running'}` : '';
  const why: Finding = { kind: 'interrupted', message: `interrupted by ${interrupted.signal}${under}: the report holds only what finished before it` };
  return { verdict: v.verdict === 'fail' ? 'fail' : 'incomplete', verdictReasons: [why, ...v.verdictReasons], interrupted };
}

/** A merge of shards that lacks some (a shard, or cases of one) checked only part of the corpus: never PASS, a FAIL stays FAIL. */
function shardsVerdict(v: Pick<Report, 'verdict' | 'verdictReasons'>, missing: readonly Finding[]): Pick<Report, 'verdict' | 'verdictReasons'> {
  if (!missing.length) return v;
  return { verdict: v.verdict === 'pass' ? 'incomplete' : v.verdict, verdictReasons: [...missing, ...v.verdictReasons] };
}

export function assembleReport(p: ReportParts): Report {
  const backends = mergeFragments(p.fragments);
  const base = backends.find((b) => b.role === 'baseline');
  const baseMean = base?.performance?.latencyMs.mean;
  for (const b of backends) if (b.performance) b.performance.speedup = baseMean ? baseMean / b.performance.latencyMs.mean : null;
  const checks = CHECK_ORDER.filter((c) => p.checks.includes(c));
  const skipped = [...new Map((p.skippedInputs ?? []).map((s) => [s.path, s])).values()];
  return {
    schemaVersion: 3,
    tool: 'asr-parity',
    generatedAt: new Date().toISOString(),
    ...interruptedVerdict(shardsVerdict(verdictOf(backends, checks), p.mergedShards?.missing ?? []), p.interrupted),
    checks,
    environment: p.environment ?? environmentRecord(),
    config: p.config,
    backends,
    ...(skipped.length ? { inputs: { skipped } } : {}),
    ...(p.shard ? { shard: p.shard } : {}),
    ...(p.mergedShards ? { mergedShards: { count: p.mergedShards.count, found: p.mergedShards.found } } : {}),
  };
}

/** Reports of parts of one gate (eval-accuracy and eval-perf, or the suites of one test run) as one. */
export function mergeReports(reports: readonly Report[], names: readonly string[] = reports.map((_, i) => `report ${i + 1}`)): Report {
  if (!reports.length) throw new RangeError('mergeReports needs at least one report');
  const rule = (r: Report) => JSON.stringify([r.config.baseline, r.config.normalizer, r.config.thresholds]);
  const odd = reports.findIndex((r) => rule(r) !== rule(reports[0]!));
  if (odd > 0) throw new ReportError(names[odd]!, `was made with another baseline, normalizer or thresholds than ${names[0]}`, 'merge only reports of the same gate');
  const shards = reports.find((r) => r.mergedShards);
  return assembleReport({
    config: reports[0]!.config,
    checks: reports.flatMap((r) => r.checks),
    fragments: reports.flatMap((r) => r.backends),
    skippedInputs: reports.flatMap((r) => r.inputs?.skipped ?? []),
    environment: reports[0]!.environment,
    // what made a part incomplete makes the whole so: an interrupted part, shards missing from a merged one
    interrupted: reports.find((r) => r.interrupted)?.interrupted,
    ...(shards ? { mergedShards: { ...shards.mergedShards!, missing: reports.flatMap((r) => r.verdictReasons.filter((f) => f.kind === 'shards-missing')) } } : {}),
  });
}
