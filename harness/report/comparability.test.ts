import { describe, expect, it } from 'vitest';
import { scoringConvention } from '../score/scoring-convention.ts';
import { mismatches } from './comparability.ts';
import type { AccuracyResult, BackendReport, Report } from './report-types.ts';

/**
 * Two reports scored under different conventions measure different things even when every model
 * and engine is the same: CER with spaces is lower than without, and a new normalizer version
 * changes what counts as an error. `report --baseline` must refuse them like a different model.
 * The scoring conventions here are the real ones a run records (scoringConvention); the rest of
 * each report is only what the fingerprint reads.
 */
function reportScoredWith(cerSpaces: 'include' | 'exclude', normalizerVersion?: string, withAccuracy = true): Report {
  const scoring = { ...scoringConvention('english', cerSpaces), ...(normalizerVersion ? { normalizerVersion } : {}) };
  const backend = (name: string, role: BackendReport['role']): BackendReport => ({
    name, backend: name, device: 'cpu', precision: 'fp16', role, required: true, status: 'ran',
    environment: { threads: 2 },
    ...(withAccuracy && role === 'device' ? { accuracy: { scoring } as AccuracyResult } : {}),
  });
  return {
    config: { normalizer: 'english', fixturesSha256: 'f00d' },
    environment: { cpu: 'test cpu', cpuCount: 2 },
    backends: [backend('cpu-fp32', 'baseline'), backend('cpu-fp16', 'device')],
  } as unknown as Report;
}

describe('reports scored under different conventions are not comparable', () => {
  it('names the CER convention when one report counted spaces and the other did not', () => {
    expect(mismatches(reportScoredWith('exclude'), reportScoredWith('include'))).toEqual([{ field: 'CER spaces (--cer-spaces)', a: 'exclude', b: 'include' }]);
  });

  it('names the normalizer version when the normalizer changed between the runs', () => {
    const older = reportScoredWith('exclude', 'openai/whisper EnglishTextNormalizer @6e3be77 (english.json @f03d07f), port 1');
    const now = reportScoredWith('exclude');
    expect(mismatches(now, older)).toEqual([{ field: 'normalizer version', a: scoringConvention('english', 'exclude').normalizerVersion, b: 'openai/whisper EnglishTextNormalizer @6e3be77 (english.json @f03d07f), port 1' }]);
  });

  it('finds nothing between reports scored alike, nor against a report without accuracy (a performance run)', () => {
    expect(mismatches(reportScoredWith('include'), reportScoredWith('include'))).toEqual([]);
    expect(mismatches(reportScoredWith('include'), reportScoredWith('exclude', undefined, false))).toEqual([]);
  });
});

describe('every field of the fingerprint decides comparability', () => {
  /** A report with every field the fingerprint should read set, on one baseline and one device. */
  const full = (): Report => {
    const environment = { modelSha256: 'abc', whisperVersion: '1.9.3', systemInfo: 'AVX2 = 1', engineBuild: 'simd', threads: 2, language: 'en', greedy: true, temperatureFallback: false, noTimestamps: true, program: 'whisper-cli' };
    const backend = (name: string, role: BackendReport['role']): BackendReport => ({
      name, backend: name, device: 'cpu', precision: 'fp16', role, required: true, status: 'ran', environment: { ...environment },
      ...(role === 'device' ? { accuracy: { scoring: scoringConvention('english', 'exclude') } as AccuracyResult } : {}),
    });
    return {
      config: { normalizer: 'english', fixturesSha256: 'f00d' },
      environment: { cpu: 'test cpu', cpuCount: 2 },
      backends: [backend('cpu-fp32', 'baseline'), backend('cpu-fp16', 'device')],
    } as unknown as Report;
  };
  // written out here, not read from the module: a field dropped there must fail here
  const env = (field: string, value: unknown) => (r: Report) => ((r.backends[1]!.environment as Record<string, unknown>)[field] = value);
  const table: [string, (r: Report) => void][] = [
    ['normalizer', (r) => ((r.config as { normalizer: string }).normalizer = 'basic')],
    ['fixturesSha256', (r) => ((r.config as { fixturesSha256: string }).fixturesSha256 = 'beef')],
    ['host cpu', (r) => (r.environment.cpu = 'another cpu')],
    ['host cpu', (r) => (r.environment.cpuCount = 16)],
    ['CER spaces (--cer-spaces)', (r) => (r.backends[1]!.accuracy!.scoring = scoringConvention('english', 'include'))],
    ['normalizer version', (r) => (r.backends[1]!.accuracy!.scoring = { ...scoringConvention('english', 'exclude'), normalizerVersion: 'port 0' })],
    ['cpu-fp16.modelSha256', env('modelSha256', 'def')],
    ['cpu-fp16.whisperVersion', env('whisperVersion', '1.8.0')],
    ['cpu-fp16.systemInfo', env('systemInfo', 'AVX2 = 0')],
    ['cpu-fp16.engineBuild', env('engineBuild', 'portable')],
    ['cpu-fp16.threads', env('threads', 8)],
    ['cpu-fp16.language', env('language', 'de')],
    ['cpu-fp16.greedy', env('greedy', false)],
    ['cpu-fp16.temperatureFallback', env('temperatureFallback', true)],
    ['cpu-fp16.noTimestamps', env('noTimestamps', false)],
    ['cpu-fp16.program', env('program', 'another-cli')],
  ];
  it.each(table)('a change of %s alone makes the reports incomparable, naming that field', (field, change) => {
    const a = full();
    const b = full();
    change(b);
    expect(mismatches(a, b).map((m) => m.field), `${field} changed between the reports, but the fingerprint did not tell`).toEqual([field]);
  });
});

describe('what the fingerprint leaves out (survivors of the mutation run at 749046a)', () => {
  const base = () => reportScoredWith('exclude');
  it('a backend without an environment (it did not run) adds nothing and breaks nothing', () => {
    const a = base();
    delete (a.backends[1] as { environment?: unknown }).environment;
    expect(mismatches(a, base())).toEqual([]);
  });

  it('a field one report does not record is not compared (older reports lack newer fields)', () => {
    const a = base();
    const b = base();
    (b.backends[1]!.environment as Record<string, unknown>).program = 'whisper-cli';
    expect(mismatches(a, b)).toEqual([]);
  });

  it('two devices scored under different conventions show both, comma-separated', () => {
    const two = (cer: 'include' | 'exclude') => {
      const r = reportScoredWith('exclude');
      r.backends.push({ ...r.backends[1]!, name: 'other', accuracy: { scoring: scoringConvention('english', cer) } as AccuracyResult });
      return r;
    };
    expect(mismatches(two('include'), two('exclude'))).toEqual([{ field: 'CER spaces (--cer-spaces)', a: 'exclude, include', b: 'exclude' }]);
  });
});
