import { existsSync } from 'node:fs';
import type { Config } from '../config/load-config.ts';
import { sha256File } from '../io/file-sha256.ts';
import type { BackendReport, Environment, Report } from './report-types.ts';
import { environmentRecord } from './environment.ts';

const STATUS_RANK = { skipped: 0, ran: 1, failed: 2 } as const;

/** Fragments of one backend (accuracy from one suite, performance from another) become one entry. */
export function mergeFragments(fragments: readonly BackendReport[]): BackendReport[] {
  const byName = new Map<string, BackendReport>();
  for (const f of fragments) {
    const prev = byName.get(f.name);
    if (!prev) {
      byName.set(f.name, { ...f });
      continue;
    }
    const worse = STATUS_RANK[f.status] > STATUS_RANK[prev.status] ? f : prev;
    const merged: BackendReport = { ...prev, ...f, status: worse.status, environment: { ...prev.environment, ...f.environment }, accuracy: f.accuracy ?? prev.accuracy, performance: f.performance ?? prev.performance };
    // the reason belongs to the status kept: a backend that ran somewhere is not "skipped because"
    if (worse.reason) merged.reason = worse.reason;
    else delete merged.reason;
    byName.set(f.name, merged);
  }
  // the baseline first, then devices in the order they came
  return [...byName.values()].sort((a, b) => (a.role === b.role ? 0 : a.role === 'baseline' ? -1 : 1));
}

/** Verdict: fail if any device backend failed its gate or crashed; incomplete if none ran. */
export function verdictOf(backends: readonly BackendReport[]): Pick<Report, 'verdict' | 'verdictReasons'> {
  const reasons: string[] = [];
  for (const b of backends) {
    if (b.status === 'failed') reasons.push(`${b.name}: ${b.reason ?? 'failed'}`);
    if (b.role === 'device' && b.accuracy && !b.accuracy.passed) reasons.push(...b.accuracy.failures.map((f) => `${b.name}: ${f}`));
  }
  if (reasons.length) return { verdict: 'fail', verdictReasons: reasons };
  const ran = backends.filter((b) => b.role === 'device' && b.status === 'ran' && b.accuracy);
  if (!ran.length) return { verdict: 'incomplete', verdictReasons: ['no device backend ran the accuracy gate'] };
  return { verdict: 'pass', verdictReasons: ran.map((b) => `${b.name}: accuracy gate passed`) };
}

/** The part of a config a report records. */
export async function configSummary(config: Config): Promise<Report['config']> {
  return {
    source: config.source,
    normalizer: config.normalizer,
    thresholds: config.thresholds,
    baseline: config.baseline.name,
    fixtures: config.fixtures,
    fixturesSha256: existsSync(config.fixtures) ? await sha256File(config.fixtures) : null,
  };
}

export function assembleReport(config: Report['config'], fragments: readonly BackendReport[], environment: Environment = environmentRecord()): Report {
  const backends = mergeFragments(fragments);
  const base = backends.find((b) => b.role === 'baseline');
  const baseMean = base?.performance?.latencyMs.mean;
  for (const b of backends) if (b.performance) b.performance.speedup = baseMean ? baseMean / b.performance.latencyMs.mean : null;
  return {
    schemaVersion: 1,
    tool: 'asr-parity',
    generatedAt: new Date().toISOString(),
    ...verdictOf(backends),
    environment,
    config,
    backends,
  };
}
