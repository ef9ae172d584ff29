import type { TestContext } from 'vitest';
import type { Report } from '../../harness/report/report-types.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** The gate run's report; the report reporter merges these from every test. */
    asrParity?: Report;
  }
}

/** Attaches a gate run's report to the running test, where the report reporter finds it after the run. */
export function recordReport(ctx: TestContext, report: Report): void {
  ctx.task.meta.asrParity = report;
}
