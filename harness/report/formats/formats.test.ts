import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleReport } from '../assemble-report.ts';
import { writeReportFiles } from '../report-file.ts';
import { FORMAT_NAMES, flagOf, formatsOf, REPORT_FORMATS } from './index.ts';

/** The report formats are a registry (one file each): the writer and the CLI's flags read it, nothing lists formats by hand. */
const HERE = import.meta.dirname;
const BIN = resolve(HERE, '../../../bin/asr-parity.mjs');
const thresholds = { maxWer: 0.01, maxCer: 0.01, minExactMatchRate: 0.9, minTop1Agreement: 0.999, marginTolerance: 0.5, evidence: 'bound' as const, confidence: 0.95, maxWerIncrease: 0.01 };
const report = assembleReport({
  config: { source: null, normalizer: 'basic', thresholds, baseline: 'base', fixtures: 'cases.jsonl', fixturesSha256: null },
  checks: ['accuracy'],
  fragments: [{ name: 'base', backend: 'cpu-fp32', device: 'cpu', precision: 'fp32', role: 'baseline', required: true, status: 'ran' }],
  environment: { cpu: 'test' },
});

describe('the report format registry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asr-parity-formats-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds every format file of the folder under its file name', () => {
    const files = readdirSync(HERE).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !['index.ts', 'define-format.ts'].includes(f));
    expect(files.map((f) => f.slice(0, -3)).sort()).toEqual([...FORMAT_NAMES].sort());
  });

  it('the writer writes each format asked for, and only those', async () => {
    const paths = Object.fromEntries(FORMAT_NAMES.map((n) => [n, join(dir, `report.${n}`)]));
    const written = await writeReportFiles(report, paths);
    for (const n of FORMAT_NAMES) expect(written, n).toContain(paths[n]);
    expect(JSON.parse(readFileSync(paths.json!, 'utf8')).schemaVersion).toBe(3);
    expect(readFileSync(paths.junit!, 'utf8')).toMatch(/<testsuites/);
    expect(await writeReportFiles(report, { csv: join(dir, 'only.csv') })).toEqual([join(dir, 'only.csv')]);
  });

  it("the CLI offers each format's flag with its help: the CSV only where accuracy rows exist; `report` names its Markdown --output", async () => {
    const help = async (cmd: string) => (await execa('node', [BIN, cmd, '--help'], { stdin: 'ignore' })).stdout.replace(/\s+/g, ' ');
    const compare = await help('compare');
    for (const n of FORMAT_NAMES) expect(compare).toContain(`${flagOf(n, 'gate')} <file> ${REPORT_FORMATS[n].help}`);
    const perf = await help('eval-perf');
    for (const n of formatsOf({ accuracy: false })) expect(perf).toContain(`${flagOf(n, 'gate')} <file>`);
    expect(formatsOf({ accuracy: false })).not.toContain('csv');
    expect(perf).not.toContain('--csv');
    const merge = await help('report');
    for (const n of FORMAT_NAMES) expect(merge).toContain(`${flagOf(n, 'merge')} <file>`);
    expect(flagOf('markdown', 'merge')).toBe('--output');
  }, 120_000);
});
