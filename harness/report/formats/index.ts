import csv from './csv.ts';
import html from './html.ts';
import json from './json.ts';
import junit from './junit.ts';
import markdown from './markdown.ts';

/**
 * Every report format by name: a new format is one file in this folder and one entry here; the
 * writer (report-file.ts), the CLI's flags and the "no report written" hint all read this map.
 * The order is the order files are written.
 */
export const REPORT_FORMATS = { json, markdown, html, csv, junit } as const;

export type ReportFormatName = keyof typeof REPORT_FORMATS;

/** Where each format goes (a format not named is not written). */
export type ReportPaths = { [K in ReportFormatName]?: string };

/** The gate commands' parsed format flags (`--markdown` gives `markdown`...), derived from the registry. */
export type GateFormatFlags = { [N in ReportFormatName as (typeof REPORT_FORMATS)[N]['flag'] extends `--${infer K}` ? K : never]?: string };

export const FORMAT_NAMES = Object.keys(REPORT_FORMATS) as ReportFormatName[];

/** `report` (which merges reports) names two formats otherwise: its Markdown is --output (REPORT.md by default), its JSON --json. */
const MERGE_FLAGS: ReportPaths = { markdown: '--output', json: '--json' };

export type FormatCommand = 'gate' | 'merge';

/** The flag that names a format's file on a command: `--markdown`, `--output`... */
export function flagOf(name: ReportFormatName, command: FormatCommand): string {
  return (command === 'merge' ? MERGE_FLAGS[name] : undefined) ?? REPORT_FORMATS[name].flag;
}

/** The formats a command offers: eval-perf has no per-case rows for the CSV. */
export function formatsOf(o: { accuracy: boolean }): ReportFormatName[] {
  return FORMAT_NAMES.filter((n) => o.accuracy || !(REPORT_FORMATS[n] as { accuracyOnly?: boolean }).accuracyOnly);
}

/** The paths a command's parsed flags give (commander names a flag's value by its camel-cased name). */
export function pathsFromFlags(flags: object, command: FormatCommand): ReportPaths {
  const paths: ReportPaths = {};
  for (const name of FORMAT_NAMES) {
    const value = (flags as Record<string, unknown>)[flagOf(name, command).slice(2)];
    if (typeof value === 'string') paths[name] = value;
  }
  return paths;
}
