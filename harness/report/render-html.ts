import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { ReportPlot } from './plots.ts';
import type { Report } from './report-types.ts';
import { reportModel } from './report-model.ts';

const TEMPLATE = new URL('../../reports/report.html.hbs', import.meta.url);

// a separate environment from the Markdown one: this template HTML-escapes every {{value}}
let compiled: HandlebarsTemplateDelegate | undefined;

/** The self-contained HTML report: one file, every plot inline as SVG, nothing fetched. Its contents are the Markdown's (report-model.ts). */
export function renderHtml(r: Report, plots: ReportPlot[]): string {
  compiled ??= Handlebars.create().compile(readFileSync(TEMPLATE, 'utf8'), { strict: false });
  return compiled({ ...reportModel(r), plots });
}
