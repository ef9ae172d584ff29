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
