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
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const fragments: BackendReport[] = [];
    for (const m of modules) for (const t of m.children.allTests()) {
      const f = t.meta().asrParity;
      if (f) fragments.push(f);
    }
    if (!fragments.length) return;
    try {
      const config = loadConfig();
      const written = writeReport(assembleReport(configSummary(config), fragments), config.results);
      process.stdout.write(`\nasr-parity report: ${written.markdown} and ${written.json}\n`);
    } catch (e) {
      process.stderr.write(`\nasr-parity: could not write the report: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}
