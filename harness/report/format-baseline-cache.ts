import type { BaselineCacheUse } from './report-types.ts';

/** "baseline: 17 of 17 cases from cache (run 2026-...)": one line for the terminal and the Markdown report. */
export function baselineCacheLine(u: BaselineCacheUse, unit = 'transcripts'): string {
  const t = u.transcripts;
  const runs = u.fromRuns.length ? ` (run ${u.fromRuns.slice(0, 3).join(', ')}${u.fromRuns.length > 3 ? `, and ${u.fromRuns.length - 3} more` : ''})` : '';
  const computed = t.lookups - t.hits;
  const l = u.logits.lookups ? `; teacher-forced logits ${u.logits.hits} of ${u.logits.lookups} from cache` : '';
  const bad = u.problems.length ? `; ${u.problems.length} untrustworthy entr${u.problems.length === 1 ? 'y' : 'ies'} recomputed` : '';
  return `baseline: ${t.hits} of ${t.lookups} ${unit} from cache${runs}${computed ? `; ${computed} computed and stored in ${u.dir}` : ''}${l}${bad}`;
}
