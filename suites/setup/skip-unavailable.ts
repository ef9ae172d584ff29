import { skipped } from '../helpers/visible-skip.ts';
import type { PlannedBackend } from '../../harness/run/plan-backends.ts';

/**
 * For an optional backend that cannot run here: a test that is skipped with the reason in its
 * name (the gate run records it in the report as not run). Returns false so callers can
 * `if (!runnable(p)) continue`. A required backend is always runnable here: its test runs and
 * fails with the reason, as the verdict does.
 */
export function runnable(p: PlannedBackend): boolean {
  const a = p.availability;
  if (a.ok || p.required) return true;
  skipped(`${p.entry.name} (optional)`, `not run, ${a.reason}`);
  return false;
}
