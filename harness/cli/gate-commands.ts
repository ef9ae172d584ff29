import type { Case } from '../audio/manifest.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import { measurePerformance } from '../bench/measure-performance.ts';
import { loadConfig, type BackendEntry, type Config } from '../config/load-config.ts';
import { BackendUnavailableError } from '../errors.ts';
import { assembleReport, configSummary } from '../report/assemble-report.ts';
import { renderMarkdown } from '../report/render-markdown.ts';
import { validateReport } from '../report/report-file.ts';
import type { BackendReport, Report } from '../report/report-types.ts';
import { writeFileAtomic } from '../report/write-atomic.ts';
import { runAccuracy, type TranscribedRun } from '../run/accuracy.ts';
import { fragmentOf, planBackend, type PlannedBackend } from '../run/plan-backends.ts';
import { loadBackend, transcribeCases } from '../run/transcribe-cases.ts';
import { print, progress, progressDone } from './terminal.ts';

/** Flags shared by compare, eval-accuracy and eval-perf; any flag given wins over the config file. */
export interface GateFlags {
  config?: string;
  backend?: string;
  baseline?: string;
  model?: string;
  baselineModel?: string;
  library?: string;
  threads?: number;
  language?: string;
  normalize?: Config['normalizer'];
  maxWer?: number;
  maxCer?: number;
  minExact?: number;
  minTop1?: number;
  marginTolerance?: number;
  output?: string;
  markdown?: string;
}

export interface GatePlan {
  config: Config;
  baseline: PlannedBackend;
  devices: PlannedBackend[];
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The config with the command line on top. A backend named on the command line must be able to run: its absence is an error, not a skip. */
export async function planFromFlags(o: GateFlags): Promise<GatePlan> {
  const c = loadConfig(o.config);
  const config: Config = {
    ...c,
    normalizer: o.normalize ?? c.normalizer,
    thresholds: { ...c.thresholds, ...defined({ maxWer: o.maxWer, maxCer: o.maxCer, minExactMatchRate: o.minExact, minTop1Agreement: o.minTop1, marginTolerance: o.marginTolerance }) },
  };
  const shared = defined({ library: o.library, threads: o.threads, language: o.language });
  const baseEntry: BackendEntry = o.baseline ? { name: o.baseline, backend: o.baseline } : config.baseline;
  const devEntries: BackendEntry[] = o.backend ? [{ name: o.backend === baseEntry.name ? `${o.backend}-device` : o.backend, backend: o.backend }] : config.backends;
  const source = config.source ?? 'command line';
  const withFlags = async (e: BackendEntry, role: PlannedBackend['role'], model: string | undefined, explicit: boolean) => {
    const p = await planBackend(e, role, source);
    if (Object.keys(shared).length || model) {
      p.options = { ...p.options, ...shared, ...defined({ model }) };
      p.availability = await p.backend.available(p.options);
    }
    if (explicit && !p.availability.ok) throw new BackendUnavailableError(p.entry.name, p.availability.reason, 'see `asr-parity backends`');
    return p;
  };
  const baseline = await withFlags(baseEntry, 'baseline', o.baselineModel, true);
  const devices = await Promise.all(devEntries.map((e) => withFlags(e, 'device', o.model, Boolean(o.backend))));
  return { config: { ...config, baseline: baseEntry }, baseline, devices };
}

async function writeOutputs(report: Report, o: GateFlags): Promise<void> {
  validateReport(report, o.output ?? 'report');
  if (o.output) writeFileAtomic(o.output, `${JSON.stringify(report, null, 2)}\n`);
  if (o.markdown) writeFileAtomic(o.markdown, renderMarkdown(report));
}

function printAccuracy(name: string, a: NonNullable<BackendReport['accuracy']>): void {
  for (const c of a.cases) {
    print(`${c.exact ? 'ok  ' : 'FAIL'} ${c.id}  WER ${(100 * c.wer).toFixed(2)}%  CER ${(100 * c.cer).toFixed(2)}%`);
    if (!c.exact) print(c.alignment.replace(/^/gm, '      '));
  }
  const k = a.corpus;
  print(`${name}: ${k.utterances} cases, WER ${(100 * k.wer).toFixed(2)}%, CER ${(100 * k.cer).toFixed(2)}%, exact ${k.exactMatches}/${k.utterances} (S=${k.substitutions} D=${k.deletions} I=${k.insertions})`);
  const t = a.tokenParity;
  print(t.available ? `token parity: top-1 ${(100 * t.top1Agreement).toFixed(2)}% of ${t.steps} forced steps, decisive ${(100 * t.decisiveTop1Agreement).toFixed(2)}%, max |logit error| ${t.maxAbsError.toFixed(4)}, ${t.divergences} divergence(s), ${t.nearTieDivergences} at a near-tie` : `token parity: not measured (${t.reason})`);
  print(a.passed ? 'gate: PASS' : `gate: FAIL\n  ${a.failures.join('\n  ')}`);
}

/** compare and eval-accuracy: the baseline once, then each device backend against it. Exit 1 when the gate fails. */
export async function accuracyCommand(o: GateFlags, cases: Case[]): Promise<Report> {
  const plan = await planFromFlags(o);
  const fragments: BackendReport[] = [];
  const isolation = plan.config.isolation.enabled ? plan.config.isolation : undefined;
  const baseLoaded = await loadBackend(plan.baseline.backend, plan.baseline.options, isolation);
  try {
    const baseline: TranscribedRun = { loaded: baseLoaded, results: await transcribeCases(baseLoaded, cases, plan.baseline.entry.name, progress) };
    fragments.push(fragmentOf(plan.baseline, { environment: baseLoaded.describe() }));
    for (const p of plan.devices) {
      if (!p.availability.ok) {
        print(`${p.entry.name}: skipped, ${p.availability.reason}`);
        fragments.push(fragmentOf(p));
        continue;
      }
      let loaded;
      try {
        loaded = await loadBackend(p.backend, p.options, isolation);
      } catch (e) {
        // one backend that cannot load or crashes must not take the others' results with it
        if (plan.devices.length === 1) throw e;
        print(`${p.entry.name}: failed, ${(e as Error).message}`);
        fragments.push(fragmentOf(p, { status: 'failed', reason: (e as Error).message }));
        continue;
      }
      try {
        const device = { loaded, results: await transcribeCases(loaded, cases, p.entry.name, progress) };
        const accuracy = await runAccuracy(baseline, device, { normalizer: plan.config.normalizer, thresholds: plan.config.thresholds, progress });
        progressDone();
        printAccuracy(p.entry.name, accuracy);
        fragments.push(fragmentOf(p, { environment: loaded.describe(), accuracy }));
      } finally {
        loaded.dispose();
      }
    }
  } finally {
    baseLoaded.dispose();
    progressDone();
  }
  const report = assembleReport(await configSummary(plan.config), fragments);
  await writeOutputs(report, o);
  if (report.verdict === 'fail') process.exitCode = 1;
  return report;
}

/** eval-perf: every backend measured the same way, speedup over the baseline. */
export async function performanceCommand(o: GateFlags, audio: Audio16k, shortAudio: Audio16k, runs: number): Promise<Report> {
  const plan = await planFromFlags(o);
  const fragments: BackendReport[] = [];
  for (const p of [plan.baseline, ...plan.devices]) {
    if (!p.availability.ok) {
      fragments.push(fragmentOf(p));
      continue;
    }
    const r = await measurePerformance(p.backend, p.options, { audio, shortAudio, runs, progress });
    progressDone();
    fragments.push(fragmentOf(p, { environment: r.environment, performance: r.performance }));
  }
  const report = assembleReport(await configSummary(plan.config), fragments);
  for (const b of report.backends) {
    const l = b.performance?.latencyMs;
    if (!l) print(`${b.name}: ${b.status}${b.reason ? `, ${b.reason}` : ''}`);
    else print(`${b.name}: load ${b.performance!.loadMs.toFixed(0)} ms, first call ${b.performance!.firstCallMs.toFixed(0)} ms, mean ${l.mean.toFixed(1)} ms, P50 ${l.p50.toFixed(1)}, P90 ${l.p90.toFixed(1)}, P99 ${l.p99.toFixed(1)}, RTF ${b.performance!.rtf.toFixed(4)}${b.role === 'device' && b.performance!.speedup ? `, speedup ${b.performance!.speedup.toFixed(2)}x` : ''}`);
  }
  await writeOutputs(report, o);
  return report;
}
