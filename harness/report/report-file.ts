import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { describeSchemaError, schemaValidatorFor } from '../io/json-schema.ts';
import { ReportError } from '../errors.ts';
import type { ReportPlot } from './plots.ts';
import { REPORT_SCHEMA } from './report-schema.ts';
import type { Report } from './report-types.ts';
import { FORMAT_NAMES, REPORT_FORMATS, type ReportPaths } from './formats/index.ts';
import { upgradeFromV2, type ReportV2 } from './upgrade-report.ts';
import { writeFileAtomic } from './write-atomic.ts';

/**
 * Throws a ReportError naming the first bad field; `source` is the file or what produced it.
 * Checked against the declaration the Report type is derived from (reports/report.schema.json is
 * written from it).
 */
export function validateReport(report: unknown, source: string): asserts report is Report {
  const validate = schemaValidatorFor('report', REPORT_SCHEMA);
  if (!validate(report)) throw new ReportError(source, `not a valid asr-parity report: ${describeSchemaError(validate.errors)}`, 'see reports/report.schema.json');
}

export function readReport(path: string): Report {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const problem = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'report not found' : (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : `not valid JSON: ${(e as Error).message}`;
    throw new ReportError(path, problem, 'give a report.json written by asr-parity');
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version < 2) throw new ReportError(path, `written by an older asr-parity (report schema ${version}; this one reads 2 and 3)`, 're-run the command that wrote it');
  const report = version === 2 ? upgradeFromV2<Report>(raw as ReportV2) : raw;
  validateReport(report, path);
  return report;
}

export type { ReportPaths } from './formats/index.ts';

/** The HTML report beside a Markdown one: R.md gives R.html. */
export function htmlBeside(markdown: string): string {
  return join(dirname(markdown), `${basename(markdown, extname(markdown))}.html`);
}

/**
 * The one writer of report files, for npm test and every CLI command. Validates first; then each
 * file is written atomically. The plots are drawn once, inline in the HTML and as files in
 * `<markdown name>-plots/` beside the Markdown, which links them; a plot this report does not have
 * is removed from that folder, so an old picture never sits beside a new report.
 */
export async function writeReportFiles(report: Report, paths: ReportPaths, drawn?: ReportPlot[]): Promise<string[]> {
  validateReport(report, paths.json ?? paths.markdown ?? paths.html ?? 'report');
  const asked = FORMAT_NAMES.filter((name) => paths[name]);
  // the renderers (Observable Plot with linkedom, handlebars, xmlbuilder2: over half a second of
  // CPU to import) load only for a format that needs them: a run that writes JSON, or nothing, skips them
  const plots = drawn ?? (asked.some((name) => REPORT_FORMATS[name].usesPlots) ? (await import('./plots.ts')).renderPlots(report) : []);
  const written: string[] = [];
  for (const name of asked) {
    for (const f of await REPORT_FORMATS[name].render(report, paths[name]!, plots)) {
      if (f.data === null) rmSync(f.path, { force: true });
      else {
        writeFileAtomic(f.path, f.data);
        written.push(f.path);
      }
    }
  }
  return written;
}

/**
 * Writes report.json, REPORT.md (with its plots) and report.html to `dir`. Every run also keeps
 * its own copy under runs/<time>-<pid>/, so two runs at once (two shards on one machine) each
 * keep their results; the top-level set is the latest.
 */
export async function writeReport(report: Report, dir: string): Promise<{ json: string; markdown: string; html: string; archived: string }> {
  const archived = join(dir, 'runs', `${report.generatedAt.replace(/[:.]/g, '-')}-${process.pid}-${++runCounter}`);
  validateReport(report, join(dir, 'report.json'));
  const plots = (await import('./plots.ts')).renderPlots(report);
  await writeReportFiles(report, { json: join(archived, 'report.json'), markdown: join(archived, 'REPORT.md'), html: join(archived, 'report.html') }, plots);
  const paths = { json: join(dir, 'report.json'), markdown: join(dir, 'REPORT.md'), html: join(dir, 'report.html') };
  await writeReportFiles(report, paths, plots);
  return { ...paths, archived };
}

let runCounter = 0;
