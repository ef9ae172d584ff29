import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { describeSchemaError, schemaValidator } from '../io/json-schema.ts';
import { ReportError } from '../errors.ts';
import { PLOT_IDS, renderPlots, type ReportPlot } from './plots.ts';
import { renderCsv } from './render-csv.ts';
import { renderHtml } from './render-html.ts';
import { renderJunit } from './render-junit.ts';
import { renderMarkdown } from './render-markdown.ts';
import type { Report } from './report-types.ts';
import { writeFileAtomic } from './write-atomic.ts';

const SCHEMA = new URL('../../reports/report.schema.json', import.meta.url);

/** Throws a ReportError naming the first bad field; `source` is the file or what produced it. */
export function validateReport(report: unknown, source: string): asserts report is Report {
  const validate = schemaValidator(SCHEMA);
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
  if (typeof version === 'number' && version < 2) throw new ReportError(path, `written by an older asr-parity (report schema ${version}; this one reads 2)`, 're-run the command that wrote it');
  validateReport(raw, path);
  return raw;
}

/** Where a report goes: any of the JSON, the Markdown (with its plots as SVG files beside it) and the HTML. */
export interface ReportPaths {
  json?: string;
  markdown?: string;
  html?: string;
  /** Per-case accuracy rows. */
  csv?: string;
  /** JUnit XML for CI dashboards. */
  junit?: string;
}

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
export function writeReportFiles(report: Report, paths: ReportPaths, drawn?: ReportPlot[]): string[] {
  validateReport(report, paths.json ?? paths.markdown ?? paths.html ?? 'report');
  const written: string[] = [];
  const put = (path: string, data: string) => {
    writeFileAtomic(path, data);
    written.push(path);
  };
  const plots = drawn ?? (paths.markdown || paths.html ? renderPlots(report) : []);
  if (paths.json) put(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  if (paths.markdown) {
    const folder = `${basename(paths.markdown, extname(paths.markdown))}-plots`;
    const dir = join(dirname(paths.markdown), folder);
    for (const id of PLOT_IDS) if (!plots.some((p) => p.id === id)) rmSync(join(dir, `${id}.svg`), { force: true });
    for (const p of plots) put(join(dir, `${p.id}.svg`), `${p.svg}\n`);
    put(paths.markdown, renderMarkdown(report, plots.map((p) => ({ title: p.title, caption: p.caption, href: `${folder}/${p.id}.svg` }))));
  }
  if (paths.html) put(paths.html, renderHtml(report, plots));
  if (paths.csv) put(paths.csv, renderCsv(report));
  if (paths.junit) put(paths.junit, renderJunit(report));
  return written;
}

/**
 * Writes report.json, REPORT.md (with its plots) and report.html to `dir`. Every run also keeps
 * its own copy under runs/<time>-<pid>/, so two runs at once (two shards on one machine) each
 * keep their results; the top-level set is the latest.
 */
export function writeReport(report: Report, dir: string): { json: string; markdown: string; html: string; archived: string } {
  const archived = join(dir, 'runs', `${report.generatedAt.replace(/[:.]/g, '-')}-${process.pid}-${++runCounter}`);
  validateReport(report, join(dir, 'report.json'));
  const plots = renderPlots(report);
  writeReportFiles(report, { json: join(archived, 'report.json'), markdown: join(archived, 'REPORT.md'), html: join(archived, 'report.html') }, plots);
  const paths = { json: join(dir, 'report.json'), markdown: join(dir, 'REPORT.md'), html: join(dir, 'report.html') };
  writeReportFiles(report, paths, plots);
  return { ...paths, archived };
}

let runCounter = 0;
