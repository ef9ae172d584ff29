import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST, PARITY_MODELS } from '../fixtures/generate.ts';
import { readManifest } from '../harness/audio/manifest.ts';
import { perfAudio } from '../harness/bench/perf-audio.ts';
import { loadConfig, type Config } from '../harness/config/load-config.ts';
import { compareLatency, findRegressions } from '../harness/report/compare-reports.ts';
import { writeReportFiles } from '../harness/report/report-file.ts';
import type { Report } from '../harness/report/report-types.ts';
import { runGate } from '../harness/run/gate-run.ts';
import { planBackends } from '../harness/run/plan-backends.ts';
import { markdownContents, missingFromHtml } from './helpers/report-contents.ts';

/**
 * One report, every format complete (issue 21 item 4): the Markdown and the HTML of one real
 * gate run hold the same things. The run: the fixtures' model against one from another seed (so
 * cases differ and are teacher-forced), an optional backend that cannot run here, accuracy on
 * cases with reference text, three warm runs each, and regressions against an earlier copy of
 * the report with a better WER. Both files are written by the format registry, as the CLI does;
 * every heading, table header and cell of the Markdown must be in the HTML as often, and every
 * paragraph, list item and summary in its text. In the extended project (a gate run with
 * performance, seconds on a loaded machine); npm test makes the same comparison on the reports of
 * runs it already makes (suites/gate-teeth.test.ts, suites/cli.test.ts, suites/case-failures.test.ts).
 */
const base = loadConfig();
const config: Config = {
  ...base,
  // in-process: this file is about the report (harness/isolate/isolated-backend.test.ts covers isolation)
  isolation: { ...base.isolation, enabled: false },
  backends: [
    { name: 'other-seed', backend: 'cpu-fp32', model: PARITY_MODELS.otherSeedFp32 },
    { name: 'npu-port', backend: 'cann-fp16', optional: true },
  ],
};
const all = readManifest(MANIFEST);
const cases = [all.find((c) => c.kind === 'tone')!, ...all.filter((c) => c.kind === 'speech').slice(0, 2)];
const dir = join(base.results, 'report-contents-test');
let report: Report;
let md: string;
let html: string;

beforeAll(async () => {
  const plan = await planBackends(config);
  const [audio, shortAudio] = await perfAudio(cases, [2, 1], MANIFEST);
  report = await runGate({ config, plan, accuracy: { cases }, performance: { audio, shortAudio, runs: 3 } });
  // an earlier run of the same gate whose device did better: a regression row, and the latency comparison
  const earlier = structuredClone(report);
  earlier.backends.find((b) => b.name === 'other-seed')!.accuracy!.corpus.wer /= 2;
  report.regressions = { against: 'earlier.json', latencyTolerance: 0.1, items: findRegressions(earlier, report, 0.1), latency: compareLatency(earlier, report, 0.1) };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await writeReportFiles(report, { markdown: join(dir, 'REPORT.md'), html: join(dir, 'report.html') });
  md = readFileSync(join(dir, 'REPORT.md'), 'utf8');
  html = readFileSync(join(dir, 'report.html'), 'utf8');
});

describe('the Markdown and the HTML report of one real run', () => {
  it('the run has every section to compare: summary, a backend not run, ground truth, token parity, performance, regressions', () => {
    const headings = markdownContents(md).cells;
    for (const h of ['Summary', 'Backends', `Accuracy against ${report.config.baseline}`, 'other-seed: FAIL', 'Environment', 'Regressions against earlier.json']) expect(headings, `the Markdown lacks "${h}"`).toContain(h);
    expect(headings.some((h) => h.startsWith('Performance ('))).toBe(true);
    const a = report.backends.find((b) => b.name === 'other-seed')!.accuracy!;
    expect(a.groundTruth, 'the speech cases carry reference text').toBeDefined();
    expect(a.tokenParity.available).toBe(true);
    expect(a.cases.some((c) => !c.exact), 'another seed differs somewhere').toBe(true);
    expect(report.regressions!.items.length).toBeGreaterThan(0);
    expect(report.backends.find((b) => b.name === 'npu-port')!.status).toBe('skipped');
  });

  it('every heading, table header and cell of the Markdown is in the HTML, as often; every paragraph too', () => {
    expect(missingFromHtml(md, html)).toEqual([]);
  });

  it('the comparison has teeth: a section dropped from the HTML is named', () => {
    const cut = (re: RegExp) => {
      expect(html, `the HTML has ${re}`).toMatch(re);
      return missingFromHtml(md, html.replace(re, ''));
    };
    expect(cut(/<table class="ground-truth">[^]*?<\/table>/)).toContainEqual(expect.stringMatching(/^cell "against the reference": 1 in the Markdown, 0 in the HTML$/));
    expect(cut(/<h2 id="summary">[^]*?<\/table>/)).toContainEqual(expect.stringMatching(/^cell "Summary"/));
    expect(cut(/<table class="figures">[^]*?<\/table>/)).toContainEqual(expect.stringMatching(/^cell "max abs logit error"/));
    expect(cut(/<p>Difference: [^]*?<\/p>/)).toContainEqual(expect.stringMatching(/^text "Difference: device minus baseline .*sign test/));
  });

  it('each case shows what was said beside both transcripts, with each side\'s WER against it, in both formats', () => {
    const a = report.backends.find((b) => b.name === 'other-seed')!.accuracy!;
    const truth = new Map(a.groundTruth!.cases.map((c) => [c.id, c]));
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    const { document } = parseHTML(html);
    const withText = a.cases.filter((c) => c.referenceText);
    expect(withText.length, 'cases with reference text').toBeGreaterThan(0);
    for (const c of a.cases) {
      const g = truth.get(c.id);
      const row = [c.id, c.referenceText ?? 'no reference text', c.baselineText, g ? pct(g.baseline.wer) : 'n/a', c.deviceText, g ? pct(g.device.wer) : 'n/a'];
      expect(md, `${c.id}: the Markdown's transcripts row`).toContain(`| ${row.join(' | ')} |`);
      const cells = Array.from(document.querySelectorAll(`table.cases tr[data-case="${c.id}"] td`)).map((td) => td.textContent!.replace(/\s+/g, ' ').trim());
      expect(cells.slice(0, 6), `${c.id}: the HTML's transcripts row`).toEqual(row.map((x) => x.replace(/\s+/g, ' ').trim()));
    }
  });
});
