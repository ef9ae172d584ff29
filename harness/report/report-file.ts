import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSchemaError, schemaValidator } from '../config/json-schema.ts';
import { ReportError } from '../errors.ts';
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

/**
 * Validates, then writes report.json and REPORT.md, each atomically: a failed run never leaves
 * half a report. Every run also keeps its own copy under runs/<time>-<pid>/, so two runs at once
 * (two shards on one machine) each keep their results; the top-level pair is the latest.
 */
export function writeReport(report: Report, dir: string): { json: string; markdown: string; archived: string } {
  validateReport(report, join(dir, 'report.json'));
  const body = `${JSON.stringify(report, null, 2)}\n`;
  const md = renderMarkdown(report);
  const archived = join(dir, 'runs', `${report.generatedAt.replace(/[:.]/g, '-')}-${process.pid}-${++runCounter}`);
  writeFileAtomic(join(archived, 'report.json'), body);
  writeFileAtomic(join(archived, 'REPORT.md'), md);
  const json = join(dir, 'report.json');
  const markdown = join(dir, 'REPORT.md');
  writeFileAtomic(json, body);
  writeFileAtomic(markdown, md);
  return { json, markdown, archived };
}

let runCounter = 0;
