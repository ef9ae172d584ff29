import type { Report } from './report-types.ts';

/**
 * What decides whether two reports' figures can be compared: the scoring rule (normalizer and its
 * version, CER with or without spaces, fixture set) and, per backend, what produced its numbers
 * (model hash, engine build, decoding settings, threads) and the host. Two reports that differ in any of these measure different
 * things: comparing them silently is how a regression table lies.
 */
const BACKEND_FIELDS = ['modelSha256', 'whisperVersion', 'systemInfo', 'engineBuild', 'threads', 'language', 'greedy', 'temperatureFallback', 'noTimestamps', 'program'] as const;

const SCORING_FIELDS = ['normalizerVersion', 'cerSpaces'] as const;
const SCORING_LABEL: Record<(typeof SCORING_FIELDS)[number], string> = { normalizerVersion: 'normalizer version', cerSpaces: 'CER spaces (--cer-spaces)' };

export function fingerprint(r: Report): Record<string, string> {
  const f: Record<string, string> = {
    normalizer: r.config.normalizer,
    fixturesSha256: String(r.config.fixturesSha256),
    'host cpu': `${r.environment.cpu} x${r.environment.cpuCount}`,
  };
  // the scoring convention is the run's, recorded with each accuracy result: a new normalizer
  // version or CER with spaces moves every figure without any backend changing
  for (const k of SCORING_FIELDS) {
    const seen = [...new Set(r.backends.flatMap((b) => (b.accuracy?.scoring ? [b.accuracy.scoring[k]] : [])))];
    if (seen.length) f[SCORING_LABEL[k]] = seen.join(', ');
  }
  for (const b of r.backends) {
    if (!b.environment) continue;
    for (const k of BACKEND_FIELDS) if (b.environment[k] !== undefined) f[`${b.name}.${k}`] = String(b.environment[k]);
  }
  return f;
}

/** The fields two reports disagree on, for the backends and settings both record. */
export function mismatches(a: Report, b: Report): { field: string; a: string; b: string }[] {
  const fa = fingerprint(a);
  const fb = fingerprint(b);
  return Object.keys(fa)
    .filter((k) => k in fb && fa[k] !== fb[k])
    .map((field) => ({ field, a: fa[field]!, b: fb[field]! }));
}
