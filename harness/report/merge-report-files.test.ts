import { describe, expect, it } from 'vitest';
import { ReportError } from '../errors.ts';
import { assembleReport } from './assemble-report.ts';
import { BUSY_LATENCY_TOLERANCE } from '../bench/latency-stats.ts';
import { mergeNamedReports } from './merge-report-files.ts';
import type { BackendReport, PerformanceResult, Report } from './report-types.ts';

const thresholds = { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.9, minTop1Agreement: 0.999, marginTolerance: 0.5, evidence: 'bound' as const, confidence: 0.95, maxWerIncrease: 0.01 };
// findRegressions and the speedup read only these fields of a performance result: warm samples spread around `mean`
// (and whether the machine was busy)
const perf = (mean: number, busy = false) => ({ latencyMs: { mean, p50: mean }, samplesMs: [0.96, 0.98, 1, 1.02, 1.04].map((f) => f * mean), firstCallMs: 2 * mean, machine: { busy } }) as unknown as PerformanceResult;
const backend = (name: string, role: BackendReport['role'], mean: number, busy = false): BackendReport => ({ name, role, backend: 'cpu-fp16', device: 'cpu', precision: 'fp16', required: true, status: 'ran', performance: perf(mean, busy) });
const report = (o: { mean?: number; cpu?: string; normalizer?: 'basic' | 'english'; busy?: boolean } = {}): Report =>
  assembleReport({
    config: { source: null, normalizer: o.normalizer ?? 'basic', thresholds, baseline: 'base', fixtures: 'cases.jsonl', fixturesSha256: null },
    checks: ['performance'],
    fragments: [backend('base', 'baseline', 100, o.busy), backend('dev', 'device', o.mean ?? 50, o.busy)],
    environment: { cpu: o.cpu ?? 'cpu A', cpuCount: 2 },
  });
const named = (name: string, r: Report) => ({ name, report: r });

describe('merging report files', () => {
  it('merges comparable reports with no differences and no regressions section without a baseline', () => {
    const m = mergeNamedReports([named('a.json', report()), named('b.json', report())], undefined, { latencyTolerance: 0.1 });
    expect(m.differences).toEqual([]);
    expect(m.regressions).toBeUndefined();
    expect(m.report.regressions).toBeUndefined();
    expect(m.report.backends.map((b) => b.name)).toEqual(['base', 'dev']);
  });

  it('refuses reports from another host, naming both files and the field', () => {
    expect(() => mergeNamedReports([named('a.json', report()), named('b.json', report({ cpu: 'cpu B' }))], undefined, { latencyTolerance: 0.1 })).toThrow(ReportError);
    expect(() => mergeNamedReports([named('a.json', report()), named('b.json', report({ cpu: 'cpu B' }))], undefined, { latencyTolerance: 0.1 })).toThrow(/b\.json.*not comparable with a\.json: host cpu cpu A x2 vs cpu B x2/);
  });

  it('with allowMismatch lists each difference and puts it first among the verdict reasons', () => {
    const m = mergeNamedReports([named('a.json', report()), named('b.json', report({ cpu: 'cpu B' }))], undefined, { latencyTolerance: 0.1, allowMismatch: true });
    expect(m.differences).toEqual(['b.json vs a.json: host cpu cpu A x2 vs cpu B x2']);
    expect(m.report.verdictReasons[0]!.message).toBe('not comparable (allowed): b.json vs a.json: host cpu cpu A x2 vs cpu B x2');
  });

  it('flags what got slower than the baseline report beyond the tolerance over the whole interval, and records it in the report', () => {
    const m = mergeNamedReports([named('now.json', report({ mean: 60 }))], { name: 'old.json', load: () => report({ mean: 50 }) }, { latencyTolerance: 0.1 });
    // 20% slower, every run: the interval of the ratio (5 runs a side) lies beyond 10%; the first call (one sample) is never a regression
    expect(m.regressions!.map((r) => `${r.backend} ${r.metric} ${r.before} -> ${r.after}`)).toEqual(['dev median warm latency (ms) 50 -> 60']);
    expect(m.regressions![0]!.interval!.lower).toBeGreaterThan(1.1);
    expect(m.report.regressions).toMatchObject({ against: 'old.json', latencyTolerance: 0.1, items: m.regressions });
    expect(m.report.regressions!.latency!.map((c) => `${c.backend} ${c.metric} ${c.judgement}`)).toEqual(['base warm latency no regression', 'base first call not judged (one sample)', 'dev warm latency regression', 'dev first call not judged (one sample)']);
    // 8% slower: within the tolerance; 14% slower, but the interval reaches below 10%: inconclusive, not a regression
    expect(mergeNamedReports([named('now.json', report({ mean: 54 }))], { name: 'old.json', load: () => report({ mean: 50 }) }, { latencyTolerance: 0.1 }).regressions).toEqual([]);
    const close = mergeNamedReports([named('now.json', report({ mean: 57 }))], { name: 'old.json', load: () => report({ mean: 50 }) }, { latencyTolerance: 0.1 });
    expect(close.regressions).toEqual([]);
    expect(close.report.regressions!.latency!.find((c) => c.backend === 'dev' && c.metric === 'warm latency')!.judgement).toBe('inconclusive');
  });

  it('on a busy machine (either run), a slowdown counts only beyond the busy tolerance, and each comparison records the tolerance it was judged with', () => {
    const judged = (o: { nowBusy?: boolean; oldBusy?: boolean; busyLatencyTolerance?: number }) => {
      const m = mergeNamedReports([named('now.json', report({ mean: 75, busy: o.nowBusy }))], { name: 'old.json', load: () => report({ mean: 50, busy: o.oldBusy }) }, { latencyTolerance: 0.1, busyLatencyTolerance: o.busyLatencyTolerance });
      const dev = m.report.regressions!.latency!.find((c) => c.backend === 'dev' && c.metric === 'warm latency')!;
      return { regressions: m.regressions!.length, judgement: dev.judgement, tolerance: dev.tolerance, lower: dev.lower!, recorded: m.report.regressions!.busyLatencyTolerance };
    };
    // 1.5x slower, every run: a regression on a quiet machine
    const quiet = judged({});
    expect(quiet).toMatchObject({ regressions: 1, judgement: 'regression', tolerance: 0.1 });
    // the same samples with either run busy: the default busy tolerance (2x) is not passed
    expect(quiet.lower).toBeLessThan(1 + BUSY_LATENCY_TOLERANCE);
    for (const side of [{ nowBusy: true }, { oldBusy: true }]) expect(judged(side), JSON.stringify(side)).toMatchObject({ regressions: 0, judgement: 'no regression', tolerance: BUSY_LATENCY_TOLERANCE, recorded: BUSY_LATENCY_TOLERANCE });
    // a busy tolerance below the slowdown judges it again, and never goes below the quiet one
    expect(judged({ nowBusy: true, busyLatencyTolerance: 0.3 })).toMatchObject({ regressions: 1, judgement: 'regression', tolerance: 0.3 });
    expect(judged({ nowBusy: true, busyLatencyTolerance: 0 })).toMatchObject({ tolerance: 0.1 });
  });

  it('reads the baseline report only after the inputs merged, so their own problem is the one reported', () => {
    let read = false;
    const load = () => {
      read = true;
      return report();
    };
    expect(() => mergeNamedReports([named('a.json', report()), named('b.json', report({ normalizer: 'english' }))], { name: 'old.json', load }, { latencyTolerance: 0.1, allowMismatch: true })).toThrow(/b\.json.*another baseline, normalizer or thresholds/);
    expect(read).toBe(false);
  });
});
