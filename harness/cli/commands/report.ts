import { pathsFromFlags } from '../../report/formats/index.ts';
import { htmlBeside, writeReportFiles } from '../../report/report-file.ts';
import { mergeReportFiles } from '../../report/merge-report-files.ts';
import { mergeShardReports } from '../../run/merge-shards.ts';
import { latencyComparisonRow, performanceWarnings, regressionRow } from '../../report/report-view.ts';
import { exitCodeOf, verdictLine } from '../../report/verdict.ts';
import { EXIT } from '../exit-codes.ts';
import { print } from '../terminal.ts';

export interface ReportFlags {
  input: string[];
  output: string;
  html?: string;
  json?: string;
  csv?: string;
  junit?: string;
  baseline?: string;
  latencyTolerance: number;
  busyLatencyTolerance: number;
  failOnRegression?: boolean;
  allowMismatch?: boolean;
}

/** `asr-parity report`: reports merged (harness/report/merge-report-files.ts; shards of a split run first, harness/run/merge-shards.ts), regressions against --baseline printed, every file written; exit 1 unless PASS (or on a regression with --fail-on-regression). */
export async function run(o: ReportFlags): Promise<void> {
  const { report, differences, regressions } = mergeReportFiles(o.input, { baseline: o.baseline, latencyTolerance: o.latencyTolerance, busyLatencyTolerance: o.busyLatencyTolerance, allowMismatch: o.allowMismatch }, mergeShardReports);
  if (regressions) {
    for (const r of regressions.map(regressionRow)) print(`regression: ${r.backend} ${r.metric} ${r.before} -> ${r.after} (${r.change}, ${r.relative})`);
    if (!regressions.length) print('no regressions');
    for (const c of (report.regressions?.latency ?? []).map(latencyComparisonRow)) print(`latency: ${c.backend} ${c.metric} ${c.before} -> ${c.after}, ${c.ratio}: ${c.judgement}`);
  }
  for (const b of report.backends) if (b.performance) for (const w of performanceWarnings(b.name, b.performance)) print(w);
  for (const d of differences) print(`not comparable (allowed): ${d}`);
  // a merge of shards that lacks some checked part of the corpus: each gap named before the verdict
  for (const f of report.verdictReasons.filter((x) => x.kind === 'shards-missing')) print(`incomplete: ${f.message}`);
  if (report.mergedShards) print(`merged ${report.mergedShards.found.length} of ${report.mergedShards.count} shards`);
  const html = o.html ?? htmlBeside(o.output);
  await writeReportFiles(report, { ...pathsFromFlags(o, 'merge'), html });
  print(`${verdictLine(report)}; wrote ${o.output} and ${html}`);
  const regressed = Boolean(regressions?.length) && Boolean(o.failOnRegression);
  process.exitCode = regressed ? EXIT.failed : exitCodeOf(report);
}
