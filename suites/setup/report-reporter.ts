import { dirname, join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { loadConfig } from '../../harness/config/load-config.ts';
import { mergeReports } from '../../harness/report/assemble-report.ts';
import { writeReport } from '../../harness/report/report-file.ts';
import type { Report } from '../../harness/report/report-types.ts';
import { verdictLine } from '../../harness/report/verdict.ts';
import { openReport, pageProblems, withBrowser } from '../helpers/report-browser.ts';
import './report-meta.ts';

/**
 * Collects the gate reports the acceptance suites attach to their tests and, at the end of the
 * run, merges them (accuracy and performance) and writes REPORT.md and report.json to the
 * config's results folder. A verdict other than PASS fails the test run even if every test
 * passed. A run that carries no report (a single unit-test file, say) writes nothing.
 */
export default class ReportReporter implements Reporter {
  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const reports: Report[] = [];
    for (const m of modules) for (const t of m.children.allTests()) {
      const r = t.meta().asrParity;
      if (r && !reports.some((x) => x.generatedAt === r.generatedAt && x.checks.join() === r.checks.join())) reports.push(r);
    }
    if (!reports.length) return;
    try {
      const report = mergeReports(reports);
      const written = await writeReport(report, loadConfig().results);
      const lines = report.backends.map((b) => `  ${b.name.padEnd(14)} ${b.role.padEnd(8)} ${(b.required ? 'required' : 'optional').padEnd(8)} ${b.status}${b.reason ? `: ${b.reason}` : ''}${b.accuracy ? `, accuracy gate ${b.accuracy.passed ? 'passed' : 'FAILED'}` : ''}`);
      const png = join(dirname(written.html), 'report.png');
      const problems = await withBrowser(async (b) => pageProblems(report, await openReport(b, written.html, png)));
      process.stdout.write(`\nasr-parity gate (${report.checks.join(' + ')}): ${verdictLine(report)}\n${lines.join('\n')}\nreport: ${written.markdown}, ${written.html} (screenshot ${png}) and ${written.json}\n`);
      for (const p of problems) process.stderr.write(`asr-parity: report.html in chromium: ${p}\n`);
      if (report.verdict !== 'pass' || problems.length) process.exitCode = 1;
    } catch (e) {
      process.stderr.write(`\nasr-parity: could not write the report: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}
