import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { BackendReport, Report } from './report-types.ts';

/**
 * The report's pictures, drawn by Observable Plot (a well-kept plotting library) as SVG text,
 * from the report's own data: nothing here measures anything. Plot needs a DOM to build its SVG;
 * linkedom is a small one that runs in Node. Chosen over Vega-Lite after measuring both on one
 * 30-sample chart: 16 MB installed against 25 MB, 6-12 ms per warm render against 75-90 ms, the
 * same ~0.8 s of CPU to import. Each mark drawn from the run's data carries a class (run-sample,
 * case-bar, speedup-bar, memory-bar) so a reader, or the browser test, can count its marks.
 */
export interface ReportPlot {
  /** File name stem and HTML id suffix: `latency-runs` is latency-runs.svg and #plot-latency-runs. */
  id: string;
  title: string;
  /** What the plot shows, for the caption and the Markdown image's alt text. */
  caption: string;
  /** Standalone SVG (with its namespace, so it opens as a file and as an <img>). */
  svg: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const MIB = 2 ** 20;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function render(document: Document, options: Plot.PlotOptions): string {
  const el = Plot.plot({ document, width: 720, style: { background: 'white', color: '#222', fontSize: '11px' }, ...options }) as unknown as Element;
  const svg = el.outerHTML;
  // Plot leaves the namespace to the HTML parser; a .svg file needs it said
  return svg.startsWith('<svg') && !svg.includes('xmlns=') ? svg.replace('<svg', `<svg xmlns="${SVG_NS}"`) : svg;
}

const measured = (r: Report) => r.backends.filter((b): b is BackendReport & { performance: NonNullable<BackendReport['performance']> } => b.status === 'ran' && Boolean(b.performance));

/** One warm run of one backend. */
interface RunSample {
  backend: string;
  run: number;
  ms: number;
}

/**
 * A plot of every warm run of every measured backend, one row (or facet) per backend: its height
 * grows by `perBackend` pixels a backend from `base`. Undefined when no backend was measured.
 */
function samplesPlot(document: Document, r: Report, plot: Omit<ReportPlot, 'svg'> & { base: number; perBackend: number; options: (data: RunSample[]) => Plot.PlotOptions }): ReportPlot | undefined {
  const data = measured(r).flatMap((b) => b.performance.samplesMs.map((ms, i) => ({ backend: b.name, run: i + 1, ms })));
  if (!data.length) return undefined;
  const { base, perBackend, options, ...text } = plot;
  return { ...text, svg: render(document, { height: base + perBackend * new Set(data.map((d) => d.backend)).size, ...options(data) }) };
}

const latencyRuns = (document: Document, r: Report) =>
  samplesPlot(document, r, {
    id: 'latency-runs',
    title: 'Warm-run latency in run order',
    caption: 'Each warm run of each backend, in the order it ran (warm-up drift shows as a slope).',
    base: 90,
    perBackend: 110,
    options: (data) => ({
      marginLeft: 60,
      marginRight: 90,
      x: { label: 'run', tickFormat: 'd' },
      y: { label: 'latency (ms)', grid: true, zero: false },
      fy: { label: null },
      marks: [
        Plot.lineY(data, { x: 'run', y: 'ms', fy: 'backend', stroke: 'steelblue' }),
        Plot.dot(data, { className: 'run-sample', x: 'run', y: 'ms', fy: 'backend', fill: 'steelblue', r: 2.5, title: (d: RunSample) => `${d.backend} run ${d.run}: ${d.ms.toFixed(1)} ms` }),
      ],
    }),
  });

const latencyDistribution = (document: Document, r: Report) =>
  samplesPlot(document, r, {
    id: 'latency-distribution',
    title: 'Warm-run latency distribution',
    caption: 'Box: quartiles and median of the warm runs; whiskers to 1.5 IQR; each tick is one run.',
    base: 60,
    perBackend: 50,
    options: (data) => ({
      marginLeft: 110,
      x: { label: 'latency (ms)', grid: true },
      y: { label: null },
      marks: [
        Plot.tickX(data, { className: 'run-sample', x: 'ms', y: 'backend', stroke: '#999', strokeOpacity: 0.6, title: (d: RunSample) => `${d.backend}: ${d.ms.toFixed(1)} ms` }),
        Plot.boxX(data, { x: 'ms', y: 'backend', fill: 'steelblue', fillOpacity: 0.3 }),
      ],
    }),
  });

function speedup(document: Document, r: Report): ReportPlot | undefined {
  const data = measured(r)
    .filter((b) => b.role === 'device' && b.performance.speedup !== null)
    .map((b) => ({ backend: b.name, speedup: b.performance.speedup! }));
  if (!data.length) return undefined;
  const base = r.backends.find((b) => b.role === 'baseline')?.name ?? 'baseline';
  return {
    id: 'speedup',
    title: `Speedup over ${base}`,
    caption: `Mean warm latency of ${base} over each backend's: above 1 is faster than the baseline.`,
    svg: render(document, {
      height: 60 + 40 * data.length,
      marginLeft: 110,
      marginRight: 50,
      x: { label: `speedup over ${base} (x)`, grid: true, domain: [0, Math.max(1.2, ...data.map((d) => d.speedup * 1.15))] },
      y: { label: null },
      marks: [
        Plot.barX(data, { className: 'speedup-bar', x: 'speedup', y: 'backend', fill: (d: (typeof data)[number]) => (d.speedup >= 1 ? 'seagreen' : 'indianred'), title: (d: (typeof data)[number]) => `${d.backend}: ${d.speedup.toFixed(2)}x` }),
        Plot.text(data, { x: 'speedup', y: 'backend', text: (d: (typeof data)[number]) => `${d.speedup.toFixed(2)}x`, textAnchor: 'start', dx: 4 }),
        Plot.ruleX([1], { stroke: '#222', strokeDasharray: '4,3' }),
      ],
    }),
  };
}

function memory(document: Document, r: Report): ReportPlot | undefined {
  const data = measured(r).flatMap((b) => {
    const m = b.performance.memory;
    const rows = [
      { backend: b.name, figure: 'host RSS load delta', mib: (m.hostRssAfterLoadBytes - m.hostRssBeforeLoadBytes) / MIB },
      { backend: b.name, figure: 'host peak RSS', mib: m.hostPeakRssBytes / MIB },
    ];
    if (m.device?.peakBytes !== undefined) rows.push({ backend: b.name, figure: 'device peak', mib: m.device.peakBytes / MIB });
    return rows;
  });
  if (!data.length) return undefined;
  const figures = new Set(data.map((d) => d.figure)).size;
  return {
    id: 'memory',
    title: 'Memory per backend',
    caption: `RSS added by loading the model, and the process's peak RSS over the runs (device peak where the device reports it). ${measured(r).every((b) => b.environment?.isolated === true) ? 'Each backend ran in a process of its own.' : 'Backends shared one process: peaks include what earlier backends left.'}`,
    svg: render(document, {
      height: 50 + figures * (20 + 28 * new Set(data.map((d) => d.backend)).size),
      marginLeft: 110,
      marginRight: 140,
      x: { label: 'MiB', grid: true },
      y: { label: null },
      fy: { label: null },
      marks: [
        Plot.barX(data, { className: 'memory-bar', x: 'mib', y: 'backend', fy: 'figure', fill: 'slateblue', title: (d: (typeof data)[number]) => `${d.backend} ${d.figure}: ${d.mib.toFixed(1)} MiB` }),
        Plot.text(data, { x: 'mib', y: 'backend', fy: 'figure', text: (d: (typeof data)[number]) => `${d.mib.toFixed(1)} MiB`, textAnchor: 'start', dx: 4 }),
      ],
    }),
  };
}

function caseWer(document: Document, r: Report): ReportPlot | undefined {
  const devices = r.backends.filter((b) => b.role === 'device' && b.accuracy);
  const data = devices.flatMap((b) => b.accuracy!.cases.map((c) => ({ backend: b.name, id: c.id, wer: c.wer })));
  if (!data.length) return undefined;
  const maxWer = devices[0]!.accuracy!.thresholds.maxWer;
  const cases = new Set(data.map((d) => d.id)).size;
  return {
    id: 'case-wer',
    title: 'WER per case against the baseline',
    caption: `Each case's word error rate, device against baseline; the dashed line is the threshold (${pct(maxWer)}).`,
    svg: render(document, {
      height: 60 + 18 * cases,
      marginLeft: 130,
      marginRight: 60,
      x: { label: 'WER', tickFormat: '.1~%', grid: true, domain: [0, Math.max(0.02, maxWer * 1.5, ...data.map((d) => d.wer))] },
      y: { label: null, domain: [...new Set(data.map((d) => d.id))] },
      fx: devices.length > 1 ? { label: null } : undefined,
      marks: [
        Plot.barX(data, { className: 'case-bar', x: 'wer', y: 'id', fx: devices.length > 1 ? 'backend' : undefined, fill: (d: (typeof data)[number]) => (d.wer >= maxWer ? 'indianred' : 'seagreen'), title: (d: (typeof data)[number]) => `${d.backend} ${d.id}: WER ${pct(d.wer)}` }),
        Plot.text(data, { x: 'wer', y: 'id', fx: devices.length > 1 ? 'backend' : undefined, text: (d: (typeof data)[number]) => pct(d.wer), textAnchor: 'start', dx: 4, fill: '#555' }),
        Plot.ruleX([maxWer], { stroke: '#222', strokeDasharray: '4,3' }),
      ],
    }),
  };
}

/**
 * Where it broke: each tensor's relative RMSE (device against baseline, forward order top to
 * bottom) as a dot, red where it fails msprobe's rule beyond the floor, beside the noise floor's
 * as a tick. Log scale: zero errors sit at the axis' floor value.
 */
function localization(document: Document, r: Report): ReportPlot | undefined {
  const FLOOR = 1e-9;
  const located = r.backends.filter((b) => b.localization?.available);
  const data = located.flatMap((b) => {
    const l = b.localization as Extract<NonNullable<BackendReport['localization']>, { available: true }>;
    return l.rows.map((x) => ({
      backend: b.name,
      tensor: x.step === undefined ? x.name : `${x.name} @${x.step}`,
      error: Math.max(FLOOR, x.relativeRmse ?? 1e9),
      floor: x.floorRelativeRmse === undefined ? undefined : Math.max(FLOOR, x.floorRelativeRmse ?? 1e9),
      fails: (x.verdict === 'fail' || x.verdict === 'shape') && x.withinFloor !== true,
    }));
  });
  if (!data.length) return undefined;
  type D = (typeof data)[number];
  const tensors = [...new Set(data.map((d) => d.tensor))];
  const facet = located.length > 1 ? 'backend' : undefined;
  return {
    id: 'localization',
    title: 'Where it broke: error by layer against the noise floor',
    caption: `Each tensor's relative RMSE against the baseline (dots, red: fails msprobe's rule beyond the noise floor) and the noise floor's (ticks), in forward order; zero errors are drawn at ${FLOOR}.`,
    svg: render(document, {
      height: 60 + 16 * tensors.length * located.length,
      marginLeft: 300,
      marginRight: facet ? 90 : 20,
      x: { type: 'log', label: 'relative RMSE', grid: true },
      y: { label: null, domain: tensors },
      fy: facet ? { label: null } : undefined,
      marks: [
        Plot.tickX(data.filter((d) => d.floor !== undefined), { x: 'floor', y: 'tensor', fy: facet, stroke: '#888', className: 'floor-tick' }),
        Plot.dot(data, { className: 'layer-dot', x: 'error', y: 'tensor', fy: facet, fill: (d: D) => (d.fails ? 'indianred' : 'seagreen'), r: 4, title: (d: D) => `${d.backend} ${d.tensor}: relative RMSE ${d.error.toExponential(2)}${d.floor === undefined ? '' : `, floor ${d.floor.toExponential(2)}`}` }),
      ],
    }),
  };
}

/** Every plot the report's data allows, in reading order; a figure the run did not measure has no plot. */
export function renderPlots(r: Report): ReportPlot[] {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const doc = document as unknown as Document;
  return [latencyRuns, latencyDistribution, speedup, memory, caseWer, localization].map((f) => f(doc, r)).filter((p): p is ReportPlot => Boolean(p));
}

/** Every plot id this module can draw: a writer removes stale files of a plot this run did not draw. */
export const PLOT_IDS = ['latency-runs', 'latency-distribution', 'speedup', 'memory', 'case-wer', 'localization'] as const;
