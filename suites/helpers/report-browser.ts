import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { Report } from '../../harness/report/report-types.ts';

/**
 * Opens an HTML report from disk in a real headless browser (Debian's chromium, driven by
 * playwright-core) and reads back what a person would see: the verdict, each plot's SVG marks,
 * the coloured word alignment, and every console error, page error and network request.
 */
export const CHROMIUM = process.env.ASR_PARITY_CHROMIUM ?? '/usr/bin/chromium';

export interface PageFacts {
  consoleErrors: string[];
  /** Every request other than the page itself: a self-contained report makes none. */
  requests: string[];
  verdict: string | null;
  verdictVisible: boolean;
  /** Per plot id: how many <svg> it holds, its size on screen, and how many shapes each classed mark group draws (plots.ts classes the marks that carry the run's data). */
  plots: Record<string, { svgs: number; width: number; height: number; marks: Record<string, number> }>;
  differingRows: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Rows of the localization tables, and the tensors marked as the first failing one. */
  layerRows: number;
  firstLayers: string[];
}

/** Runs `f` with a headless chromium, closed afterwards whatever happens. */
export async function withBrowser<T>(f: (b: Browser) => Promise<T>): Promise<T> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (bin/ensure-test-tools.sh does)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    return await f(browser);
  } finally {
    await browser.close();
  }
}

export async function openReport(browser: Browser, htmlPath: string, screenshot?: string): Promise<PageFacts> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  try {
    const url = pathToFileURL(htmlPath).href;
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    const facts = await page.evaluate(() => {
      const label = document.querySelector('#verdict .label');
      const box = label?.getBoundingClientRect();
      const plots: Record<string, { svgs: number; width: number; height: number; marks: Record<string, number> }> = {};
      for (const fig of Array.from(document.querySelectorAll('figure.plot'))) {
        const svg = fig.querySelector('svg');
        const r = svg?.getBoundingClientRect();
        const marks: Record<string, number> = {};
        for (const g of Array.from(fig.querySelectorAll('svg g[class]'))) {
          const k = g.getAttribute('class')!;
          marks[k] = (marks[k] ?? 0) + g.querySelectorAll('circle, rect, path, line').length;
        }
        plots[(fig as HTMLElement).dataset.plot ?? ''] = { svgs: fig.querySelectorAll('svg').length, width: r?.width ?? 0, height: r?.height ?? 0, marks };
      }
      return {
        verdict: label?.textContent?.trim() ?? null,
        verdictVisible: Boolean(box && box.width > 0 && box.height > 0),
        plots,
        differingRows: document.querySelectorAll('tr.case-differs').length,
        substitutions: document.querySelectorAll('.diff .w-S').length,
        deletions: document.querySelectorAll('.diff .w-D').length,
        insertions: document.querySelectorAll('.diff .w-I').length,
        layerRows: document.querySelectorAll('table.layers tr.layer-row').length,
        firstLayers: Array.from(document.querySelectorAll('tr.layer-first td:first-child')).map((td) => td.textContent?.trim() ?? ''),
      };
    });
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { consoleErrors, requests, ...facts };
  } finally {
    await page.close();
  }
}

/**
 * What is wrong with the page, given the report it was rendered from; empty when nothing is.
 * Each plot the report's data calls for must be there as SVG with one mark per data point of
 * the run (a dot and a tick per warm run, a bar per case), so a missing or empty plot is caught.
 */
export function pageProblems(r: Report, f: PageFacts): string[] {
  const problems: string[] = [];
  for (const e of f.consoleErrors) problems.push(`console error: ${e}`);
  for (const u of f.requests) problems.push(`network request: ${u}`);
  if (f.verdict !== `Verdict: ${r.verdict.toUpperCase()}`) problems.push(`verdict shown as ${JSON.stringify(f.verdict)}, report says ${r.verdict}`);
  if (!f.verdictVisible) problems.push('the verdict is not visible');
  const samples = r.backends.reduce((n, b) => n + (b.status === 'ran' ? (b.performance?.samplesMs.length ?? 0) : 0), 0);
  const cases = r.backends.reduce((n, b) => n + (b.role === 'device' ? (b.accuracy?.cases.length ?? 0) : 0), 0);
  const measured = r.backends.filter((b) => b.status === 'ran' && b.performance);
  const expected: [string, string, number][] = [];
  if (samples) expected.push(['latency-runs', 'run-sample', samples], ['latency-distribution', 'run-sample', samples], ['memory', 'memory-bar', measured.reduce((n, b) => n + (b.performance!.memory.device?.peakBytes === undefined ? 2 : 3), 0)]);
  const speedups = measured.filter((b) => b.role === 'device' && b.performance!.speedup !== null).length;
  if (speedups) expected.push(['speedup', 'speedup-bar', speedups]);
  if (cases) expected.push(['case-wer', 'case-bar', cases]);
  const located = r.backends.flatMap((b) => (b.localization?.available ? [b.localization] : []));
  const layers = located.reduce((n, l) => n + l.rows.length, 0);
  if (layers) expected.push(['localization', 'layer-dot', layers]);
  if (f.layerRows !== layers) problems.push(`${f.layerRows} localization table rows shown, the report has ${layers}`);
  const firsts = located.flatMap((l) => (l.firstFailing ? [l.firstFailing.step === undefined ? l.firstFailing.name : `${l.firstFailing.name} @ step ${l.firstFailing.step}`] : []));
  if (JSON.stringify(f.firstLayers) !== JSON.stringify(firsts)) problems.push(`first failing tensors marked ${JSON.stringify(f.firstLayers)}, the report names ${JSON.stringify(firsts)}`);
  for (const [id, mark, n] of expected) {
    const p = f.plots[id];
    if (!p) problems.push(`plot ${id} is missing`);
    else if (p.svgs !== 1 || p.width < 100 || p.height < 50) problems.push(`plot ${id} has ${p.svgs} SVG of ${p.width}x${p.height} px`);
    else if (p.marks[mark] !== n) problems.push(`plot ${id} draws ${p.marks[mark] ?? 0} ${mark} marks, the run has ${n}`);
  }
  const differing = r.backends.reduce((n, b) => n + (b.accuracy?.cases.filter((c) => !c.exact).length ?? 0), 0);
  if (f.differingRows !== differing) problems.push(`${f.differingRows} case rows marked as differing, the report has ${differing}`);
  return problems;
}
