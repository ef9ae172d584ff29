import type { TestContext } from 'vitest';
import type { BackendReport } from '../../harness/report/report-types.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** A backend's part of the report; the report reporter collects these from every test. */
    asrParity?: BackendReport;
  }
}

/** Attaches a report fragment to the running test, where the report reporter finds it after the run. */
export function recordFragment(ctx: TestContext, fragment: BackendReport): void {
  ctx.task.meta.asrParity = fragment;
}

