import { it } from 'vitest';
import { fragmentOf, type PlannedBackend } from '../../harness/run/plan-backends.ts';
import { recordFragment } from './report-meta.ts';

/**
 * For a backend that cannot run here: a test that is skipped with the reason in its name and
 * records the skip in the report. Returns false so callers can `if (!runnable(p)) continue`.
 */
export function runnable(p: PlannedBackend): boolean {
  const a = p.availability;
  if (a.ok) return true;
  it(`${p.entry.name}: skipped, ${a.reason}`, (ctx) => {
    recordFragment(ctx, fragmentOf(p));
    ctx.skip(a.reason);
  });
  return false;
}
