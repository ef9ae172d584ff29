import type { Reporter, TestModule } from 'vitest/node';
import { loadConfig } from '../../harness/config/load-config.ts';
import { assembleReport, configSummary } from '../../harness/report/assemble-report.ts';
import { writeReport } from '../../harness/report/report-file.ts';
import type { BackendReport } from '../../harness/report/report-types.ts';
import './report-meta.ts';

/**
 * Collects the report fragments the acceptance suites attach to their tests and, at the end
 * of the run, writes REPORT.md and report.json to the config's results folder. A run that
 * carries no fragments (a single unit-test file, say) writes nothing.
 */
export default class ReportReporter implements Reporter {
  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const fragments: BackendReport[] = [];
    for (const m of modules) for (const t of m.children.allTests()) {
      const f = t.meta().asrParity;
      if (f) fragments.push(f);
    }
    if (!fragments.length) return;
    try {
      const config = loadConfig();
      const report = assembleReport(await configSummary(config), fragments);
      const written = writeReport(report, config.results);
      const lines = report.backends.map((b) => `  ${b.name.padEnd(14)} ${b.role.padEnd(8)} ${b.status}${b.reason ? `: ${b.reason}` : ''}${b.accuracy ? `, accuracy gate ${b.accuracy.passed ? 'passed' : 'FAILED'}` : ''}`);
      process.stdout.write(`\nasr-parity gate: ${report.verdict.toUpperCase()}\n${lines.join('\n')}\nreport: ${written.markdown} and ${written.json}\n`);
    } catch (e) {
      process.stderr.write(`\nasr-parity: could not write the report: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}
