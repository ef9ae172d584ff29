import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST, PARITY_MODELS } from '../fixtures/generate.ts';
import { readManifest } from '../harness/audio/manifest.ts';
import { perfAudio } from '../harness/bench/perf-audio.ts';
import { loadConfig, type Config } from '../harness/config/load-config.ts';
import { writeReportFiles } from '../harness/report/report-file.ts';
import type { Report } from '../harness/report/report-types.ts';
import { runGate } from '../harness/run/gate-run.ts';
import { planBackends } from '../harness/run/plan-backends.ts';
import { openReport, pageProblems, withBrowser, type PageFacts } from './helpers/report-browser.ts';
import { missingFromHtml } from './helpers/report-contents.ts';

/**
 * The HTML report in a real browser (Debian's chromium through playwright-core), rendered from a
 * real gate run: the baseline against a model from another seed (so there are differences to
 * colour), accuracy on a tone and a sentence, and 5 warm runs of 2 s of audio each.
 * The page must load from disk with no console error and no network request, show the verdict,
 * and draw every plot with one mark per data point of the run. Three broken copies of the page
 * (plots removed, a script error, a remote image) must each be caught by the same check. This
 * run's report is not attached to the gate: the other-seed model fails by design.
 */
const base = loadConfig();
const config: Config = {
  ...base,
  // in-process: this test is about the report, and worker processes would double its CPU time (harness/isolate/isolated-backend.test.ts covers isolation)
  isolation: { ...base.isolation, enabled: false },
  backends: [{ name: 'other-seed', backend: 'cpu-fp32', model: PARITY_MODELS.otherSeedFp32 }],
};
const all = readManifest(MANIFEST);
const cases = [all.find((c) => c.kind === 'tone')!, all.find((c) => c.kind === 'speech')!];
const dir = join(base.results, 'report-browser-test');
const html = join(dir, 'report.html');
let report: Report;
let facts: PageFacts;
const broken: Record<string, string[]> = {};

beforeAll(async () => {
  const plan = await planBackends(config);
  const [audio, shortAudio] = await perfAudio(cases, [2, 1], MANIFEST);
  report = await runGate({ config, plan, accuracy: { cases }, performance: { audio, shortAudio, runs: 5 } });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await writeReportFiles(report, { json: join(dir, 'report.json'), markdown: join(dir, 'REPORT.md'), html });
  const page = readFileSync(html, 'utf8');
  const variants: Record<string, string> = {
    'plots removed': page.replace(/<figure class="plot"[^]*?<\/figure>/g, ''),
    'script error': page.replace('</body>', '<script>window.reportData.cases.length</script></body>'),
    'remote image': page.replace('</body>', '<img src="http://127.0.0.1:9/pixel.png" alt=""></body>'),
  };
  await withBrowser(async (browser) => {
    facts = await openReport(browser, html, join(dir, 'report.png'));
    for (const [name, text] of Object.entries(variants)) {
      const file = join(dir, `broken-${name.replace(/ /g, '-')}.html`);
      writeFileSync(file, text);
      broken[name] = pageProblems(report, await openReport(browser, file));
    }
  });
});

describe('the HTML report in headless chromium', () => {
  it('loads from disk with no console error and no network request, and shows the verdict', () => {
    expect(pageProblems(report, facts)).toEqual([]);
    expect(facts.verdict).toBe(`Verdict: ${report.verdict.toUpperCase()}`);
    expect(readFileSync(join(dir, 'report.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('draws each plot from the run: a mark per warm run, per memory figure, per case', () => {
    const samples = report.backends.reduce((n, b) => n + (b.performance?.samplesMs.length ?? 0), 0);
    // 5 runs of each of the two backends, each one a dot in run order and a tick in the distribution
    expect(samples).toBe(10);
    expect(facts.plots['latency-runs']!.marks['run-sample']).toBe(samples);
    expect(facts.plots['latency-distribution']!.marks['run-sample']).toBe(samples);
    expect(facts.plots['speedup']!.marks['speedup-bar']).toBe(1);
    expect(facts.plots['memory']!.marks['memory-bar']).toBe(4);
    expect(facts.plots['case-wer']!.marks['case-bar']).toBe(cases.length);
  });

  it("colours every difference of the word alignment the score counted", () => {
    const acc = report.backends.flatMap((b) => b.accuracy?.cases ?? []);
    expect(acc.some((c) => !c.exact), 'the other-seed model differs somewhere').toBe(true);
    const sum = (k: 'substitutions' | 'deletions' | 'insertions') => acc.reduce((n, c) => n + c[k], 0);
    expect([facts.substitutions, facts.deletions, facts.insertions]).toEqual([sum('substitutions'), sum('deletions'), sum('insertions')]);
  });

  it('holds everything the Markdown written beside it does (suites/report-contents.test.ts)', () => {
    expect(missingFromHtml(readFileSync(join(dir, 'REPORT.md'), 'utf8'), readFileSync(html, 'utf8'))).toEqual([]);
  });

  it('catches a page without its plots, with a script error, or fetching from the network', () => {
    expect(broken['plots removed']).toEqual(expect.arrayContaining([expect.stringMatching(/^plot latency-runs is missing/), expect.stringMatching(/^plot case-wer is missing/)]));
    expect(broken['script error']!.some((p) => p.startsWith('console error'))).toBe(true);
    expect(broken['remote image']!.some((p) => /^(network request|console error)/.test(p))).toBe(true);
  });
});
