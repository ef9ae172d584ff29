import type { Audio16k } from '../audio/decoded-audio.ts';
import type { CaseList } from '../audio/manifest.ts';
import type { Config } from '../config/load-config.ts';
import { formatDrift, formatPercentile } from '../report/format-latency.ts';
import { truthCoverage, truthDifference, truthScore } from '../report/format-ground-truth.ts';
import { flagOf, formatsOf, pathsFromFlags, type GateFormatFlags } from '../report/formats/index.ts';
import { htmlBeside, writeReportFiles } from '../report/report-file.ts';
import type { BackendReport, Check, Report } from '../report/report-types.ts';
import { exitCodeOf, verdictLine } from '../report/verdict.ts';
import { runGate } from '../run/gate-run.ts';
import type { GatePlan } from '../run/plan-backends.ts';
import { planFromFlags, type PlanFlags } from '../run/plan-from-flags.ts';
import { evidenceSupports } from '../score/gate.ts';
import { writePraFiles } from './pra-output.ts';
import { print, progress, progressDone } from './terminal.ts';

/**
 * The gate in a terminal, for compare, eval-accuracy and eval-perf: plans from the flags over the
 * config (harness/run/plan-from-flags.ts), runs the gate (harness/run/gate-run.ts), prints each
 * backend's outcome as it finishes, writes every output even when a backend failed, and sets the
 * exit code from the verdict. What is decided here is only what a terminal shows.
 */

/** The flags of compare, eval-accuracy and eval-perf: planning flags (any flag given wins over the config file) and outputs. */
export interface GateFlags extends PlanFlags, GateFormatFlags {
  pra?: string;
  /** false (--no-cache): the baseline recomputes every case instead of reusing its cached results. */
  cache?: boolean;
}

/** The JSON, the Markdown with its plots, and the HTML (beside the Markdown unless --html names it). */
async function writeOutputs(report: Report, o: GateFlags): Promise<void> {
  const html = o.html ?? (o.markdown ? htmlBeside(o.markdown) : undefined);
  await writeReportFiles(report, { ...pathsFromFlags(o, 'gate'), html });
  if (html) print(`wrote ${html}`);
  if (o.pra) for (const f of writePraFiles(report, o.pra)) print(`wrote alignments (sclite .pra layout) to ${f}`);
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function printAccuracy(b: BackendReport): void {
  const a = b.accuracy!;
  for (const c of a.cases) {
    print(`${c.exact ? 'ok  ' : 'FAIL'} ${c.id}  WER ${pct(c.wer)}  CER ${pct(c.cer)}  (${c.audio})`);
    if (!c.exact) print(c.alignment.replace(/^/gm, '      '));
  }
  const k = a.corpus;
  print(`${b.name}: ${k.utterances} case${k.utterances === 1 ? '' : 's'}, WER ${pct(k.wer)}, CER ${pct(k.cer)}, exact ${k.exactMatches}/${k.utterances} (S=${k.substitutions} D=${k.deletions} I=${k.insertions})`);
  const e = a.evidence;
  const ok = (x: boolean) => (x ? 'supported by the data' : 'not supported by the data');
  const th = a.thresholds;
  print(`evidence (${pct(e.confidence)} bounds, ${e.mode === 'bound' ? 'which the gate uses' : 'shown only: the gate uses the observed values (evidence "point")'}): WER < ${pct(th.maxWer)} ${ok(e.wer.sufficient)} (bound ${pct(e.wer.upper)}), CER < ${pct(th.maxCer)} ${ok(e.cer.sufficient)} (bound ${pct(e.cer.upper)}), exact match >= ${pct(th.minExactMatchRate)} ${ok(e.exactMatch.sufficient)} (bound ${pct(e.exactMatch.lower)})`);
  const g = a.groundTruth;
  if (g) {
    print(`against the reference text (${truthCoverage(g)}): baseline ${truthScore(g.baseline)}; ${b.name} ${truthScore(g.device)}`);
    print(`  ${truthDifference(g, th)}`);
  }
  const t = a.tokenParity;
  print(t.available ? `token parity: top-1 ${pct(t.top1Agreement)} of ${t.steps} forced steps, decisive ${pct(t.decisiveTop1Agreement)}, max |logit error| ${t.maxAbsError.toFixed(4)}, ${t.divergences} divergence(s), ${t.nearTieDivergences} at a near-tie` : `token parity: not measured (${t.reason})`);
  const thin = !evidenceSupports(e);
  print(a.passed ? `gate: PASS${e.mode === 'point' && thin ? ' on the observed values (evidence "point"); the data alone would not support these thresholds' : ''}` : `gate: FAIL\n  ${a.failures.map((f) => f.message).join('\n  ')}`);
}

function printPerformance(b: BackendReport): void {
  const p = b.performance!;
  const l = p.latencyMs;
  print(`${b.name}: load ${p.loadMs.toFixed(0)} ms, first call ${p.firstCallMs.toFixed(0)} ms, ${l.runs} runs mean ${l.mean.toFixed(1)} ms (stdev ${l.stdev.toFixed(1)}), P50 ${formatPercentile(l, 'p50')}, P90 ${formatPercentile(l, 'p90')}, P99 ${formatPercentile(l, 'p99')}, drift ${formatDrift(l)}, RTF ${p.rtf.toFixed(4)}`);
}

/** What a terminal shows as each backend finishes one check. */
function printResult(check: Check, b: BackendReport): void {
  progressDone();
  if (b.status !== 'ran') print(`${b.name}: ${b.status === 'failed' ? 'FAILED' : 'not run'}${b.required ? '' : ' (optional)'}: ${b.reason}`);
  if (check === 'accuracy' && b.accuracy) printAccuracy(b);
  if (check === 'performance' && b.performance) printPerformance(b);
}

/** Runs the gate, prints as it goes, writes every output even when a backend failed, and sets the exit code from the verdict. */
async function gate(config: Config, plan: GatePlan, o: GateFlags, checks: { accuracy?: CaseList & { source?: string }; performance?: { audio: Audio16k; shortAudio: Audio16k; runs: number } }): Promise<Report> {
  const t = config.thresholds;
  const devices = plan.devices.map((d) => `${d.entry.name}${d.required ? '' : ' (optional)'}`).join(', ');
  if (checks.accuracy) print(`checking ${devices} against ${plan.baseline.entry.name} on ${checks.accuracy.cases.length} case${checks.accuracy.cases.length === 1 ? '' : 's'}: WER < ${pct(t.maxWer)}, CER < ${pct(t.maxCer)}, exact match >= ${pct(t.minExactMatchRate)}, teacher-forced top-1 >= ${pct(t.minTop1Agreement)}; ${t.evidence === 'bound' ? `on ${pct(t.confidence)} confidence bounds` : 'on observed values (evidence "point")'}; normalizer ${config.normalizer}, CER ${config.cerSpaces === 'include' ? 'counting' : 'without'} spaces`);
  if (checks.performance) print(`measuring ${plan.baseline.entry.name}, ${devices}: ${checks.performance.runs} warm runs on ${checks.performance.audio.duration.toFixed(0)} s of audio`);
  const report = await runGate(
    {
      config,
      plan,
      accuracy: checks.accuracy && { cases: checks.accuracy.cases, skippedInputs: checks.accuracy.skipped, source: checks.accuracy.source },
      performance: checks.performance,
      baselineCache: o.cache !== false && config.baselineCache.enabled ? { dir: config.baselineCache.dir } : undefined,
    },
    {
      progress,
      result: printResult,
      note: (m) => {
        progressDone();
        print(m);
      },
    },
  );
  progressDone();
  for (const s of report.inputs?.skipped ?? []) print(`skipped input ${s.path}: ${s.reason}`);
  if (!Object.keys(pathsFromFlags(o, 'gate')).length) print(`(no report written: pass ${formatsOf({ accuracy: report.checks.includes('accuracy') }).map((n) => `${flagOf(n, 'gate')} FILE`).join(', ')})`);
  if (report.checks.includes('performance')) {
    for (const b of report.backends) if (b.role === 'device' && b.performance?.speedup) print(`${b.name}: speedup over ${config.baseline.name} ${b.performance.speedup.toFixed(2)}x (mean latency)`);
  }
  await writeOutputs(report, o);
  print(verdictLine(report));
  process.exitCode = exitCodeOf(report);
  return report;
}

/** compare and eval-accuracy: the baseline once, then each device backend against it. */
export async function runAccuracyGate(c: Config, o: GateFlags, cases: CaseList & { source?: string }): Promise<Report> {
  const { config, plan } = await planFromFlags(c, o);
  return gate(config, plan, o, { accuracy: cases });
}

/** eval-perf: every backend measured the same way, speedup over the baseline. */
export async function runPerformanceGate(c: Config, o: GateFlags, performance: { audio: Audio16k; shortAudio: Audio16k; runs: number }): Promise<Report> {
  const { config, plan } = await planFromFlags(c, o);
  return gate(config, plan, o, { performance });
}
