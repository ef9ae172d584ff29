import type { ReportPlot } from '../plots.ts';
import type { Report } from '../report-types.ts';

/** A file a format writes: the report itself, or a file beside it (the Markdown's plots). */
export interface FormatFile {
  path: string;
  /** null: remove the file (a plot this report does not have, so an old picture never sits beside a new report). */
  data: string | null;
}

/**
 * One report format (vitest's reporters: one file each, and a map of them): its flag and help on
 * compare, eval-accuracy and eval-perf, and how it renders. `render` imports its renderer when
 * called, so `--help` and a run that writes no such file never load it.
 */
export interface ReportFormat {
  /** The flag naming its file on the gate commands (`report` renames two: see ReportCommandFlags). */
  flag: string;
  help: string;
  /** Drawn plots it shows (Markdown and HTML): they are drawn once, only when such a format is asked for. */
  usesPlots: boolean;
  /** Only the accuracy check has rows for it (compare and eval-accuracy offer it, eval-perf does not). */
  accuracyOnly?: boolean;
  render(report: Report, path: string, plots: readonly ReportPlot[]): Promise<FormatFile[]>;
}

/** Identity: a format file's only job is `export default defineFormat({...})`, typed (unstorage's defineDriver). */
export const defineFormat = <const F extends ReportFormat>(f: F): F => f;
