import type { MeasuredPerformance } from '../bench/measure-performance.ts';
import type { Config } from '../config/load-config.ts';
import { assembleReport, configSummary } from '../report/assemble-report.ts';
import { validateReport } from '../report/report-file.ts';
import type { Report } from '../report/report-types.ts';
import { fragmentOf, type PlannedBackend } from './plan-backends.ts';

/**
 * `benchmark --output`: the measurement as a report of the performance check (one backend, no
 * baseline, so no speedup), in the one schema that `report` reads, merges with eval-perf's and
 * compares for regressions. Its own kind of JSON was refused by `report` ("schemaVersion is missing").
 */
export async function benchmarkReport(config: Config, planned: PlannedBackend, r: MeasuredPerformance, audioPath: string): Promise<Report> {
  const report = assembleReport({ config: await configSummary(config, audioPath), checks: ['performance'], fragments: [fragmentOf(planned, { environment: r.environment, performance: r.performance })] });
  validateReport(report, 'benchmark report');
  return report;
}
