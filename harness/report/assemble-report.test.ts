import { describe, expect, it } from 'vitest';
import { mergeFragments, verdictOf } from './assemble-report.ts';
import type { BackendReport } from './report-types.ts';

const base = { backend: 'x', device: 'cpu', precision: 'fp16' } as const;

describe('assembling a report from suite fragments', () => {
  it('merges one backend\'s fragments, keeping the worst status and only its reason', () => {
    const skipped: BackendReport = { ...base, name: 'b', role: 'device', status: 'skipped', reason: 'no NPU' };
    const ran: BackendReport = { ...base, name: 'b', role: 'device', status: 'ran', environment: { threads: 2 } };
    const failed: BackendReport = { ...base, name: 'b', role: 'device', status: 'failed', reason: 'crashed' };
    expect(mergeFragments([skipped, ran])).toEqual([{ ...ran, accuracy: undefined, performance: undefined }]);
    expect(mergeFragments([ran, failed])[0]).toMatchObject({ status: 'failed', reason: 'crashed', environment: { threads: 2 } });
  });

  it('puts the baseline first and says incomplete when no device ran the gate', () => {
    const merged = mergeFragments([
      { ...base, name: 'd', role: 'device', status: 'skipped', reason: 'no GPU' },
      { ...base, name: 'a', role: 'baseline', status: 'ran' },
    ]);
    expect(merged.map((b) => b.name)).toEqual(['a', 'd']);
    expect(verdictOf(merged).verdict).toBe('incomplete');
    expect(verdictOf([...merged, { ...base, name: 'e', role: 'device', status: 'failed', reason: 'boom' }])).toEqual({ verdict: 'fail', verdictReasons: ['e: boom'] });
  });
});
