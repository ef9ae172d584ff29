import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { Report } from './report-types.ts';
import { reportModel } from './report-model.ts';

const TEMPLATE = new URL('../../reports/report.md.hbs', import.meta.url);

let compiled: HandlebarsTemplateDelegate | undefined;

// Markdown table cells: a pipe or newline would break the row
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Every string of the view model made safe for a table cell, except the code blocks' (a fenced block shows its text as it is). */
function escaped<T>(v: T, verbatim: boolean = false): T {
  if (typeof v === 'string') return (verbatim ? v : cell(v)) as T;
  if (Array.isArray(v)) return v.map((x) => escaped(x, verbatim)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escaped(x, verbatim)])) as T;
  return v;
}

/** A plot written beside the Markdown, linked by its path relative to the Markdown file. */
export interface PlotLink {
  title: string;
  caption: string;
  href: string;
}

/** The Markdown report; `plots` are SVG files written beside it, shown in the sections they belong to. */
export function renderMarkdown(r: Report, plots: PlotLink[] = []): string {
  compiled ??= Handlebars.compile(readFileSync(TEMPLATE, 'utf8'), { noEscape: true, strict: false });
  const model = reportModel(r);
  const plot = (id: string) => plots.find((p) => p.href.endsWith(`/${id}.svg`) || p.href === `${id}.svg`);
  return compiled({
    ...escaped(model),
    // the details of a differing case are a fenced code block: its transcripts and alignment verbatim
    accuracy: model.accuracy.map((a) => ({ ...escaped(a), differing: escaped(a.differing, true) })),
    accuracyPlots: [plot('case-wer')].filter(Boolean),
    localizationPlots: [plot('localization')].filter(Boolean),
    perfPlots: ['latency-runs', 'latency-distribution', 'speedup', 'memory'].map(plot).filter(Boolean),
  });
}
