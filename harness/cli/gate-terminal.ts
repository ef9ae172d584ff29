import { dirname } from 'node:path';
import type { Audio16k } from '../audio/decoded-audio.ts';
import type { Case, CaseList } from '../audio/manifest.ts';
import { UsageError } from '../errors.ts';
import type { Config } from '../config/load-config.ts';
import { formatDrift, formatPercentile } from '../report/format-latency.ts';
import { performanceWarnings } from '../report/report-view.ts';
import { truthCoverage, truthDifference, truthScore } from '../report/format-ground-truth.ts';
import { flagOf, formatsOf, pathsFromFlags, type GateFormatFlags } from '../report/formats/index.ts';
import { htmlBeside, writeReportFiles } from '../report/report-file.ts';
import type { BackendReport, Check, Report, ShardRecord } from '../report/report-types.ts';
import { exitCodeOf, verdictLine } from '../report/verdict.ts';
import { powerLines } from '../report/format-power.ts';
import { localizationLine } from '../report/format-localization.ts';
import { planPower } from '../run/plan-power.ts';
import { runGate } from '../run/gate-run.ts';
import { shardCases, shardRuns } from '../run/shard-cases.ts';
import { resolveShard } from '../run/shard-identity.ts';
import type { GatePlan } from '../run/plan-backends.ts';
import { planFromFlags, type PlanFlags } from '../run/plan-from-flags.ts';
import { evidenceSupports } from '../score/gate.ts';
import { checkWritable } from '../io/writable-output.ts';
import { EXIT } from './exit-codes.ts';
import { writePraFiles } from './pra-output.ts';
import { announceWritten, print, progress, progressDone } from './terminal.ts';

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
  /** compare --locate CASE_ID: localize that case for every device (README, "Where it broke"). */
  locate?: string;
  /** --locate-mode: isolation or propagation (default: the config's localization.mode). */
  locateMode?: 'isolation' | 'propagation';
  /** `--shard i/N` (harness/run/shard-identity.ts; a scheduler's variables otherwise). */
  shard?: string;
  shardCount?: number;
}

/** Every file a gate command will write (the HTML beside the Markdown unless --html names it). */
function outputPaths(o: GateFlags): string[] {
  const html = o.html ?? (o.markdown ? htmlBeside(o.markdown) : undefined);
  return [o.output, o.markdown, html, o.csv, o.junit, o.pra].filter((p): p is string => Boolean(p));
}

/** Refuses, before any audio is read or backend loaded, an output that could not be written at the end (exit 2, naming the path). */
export function checkOutputs(o: GateFlags): void {
  for (const p of outputPaths(o)) checkWritable(p);
}

/** The JSON, the Markdown with its plots, and the HTML (beside the Markdown unless --html names it). */
async function writeOutputs(report: Report, o: GateFlags): Promise<void> {
  const html = o.html ?? (o.markdown ? htmlBeside(o.markdown) : undefined);
  const written = await writeReportFiles(report, { ...pathsFromFlags(o, 'gate'), html });
  // the plots: one line for their folder, not one per picture
  const plotDirs = new Set(written.filter((f) => f.endsWith('.svg')).map((f) => dirname(f)));
  for (const f of written.filter((x) => !x.endsWith('.svg'))) announceWritten(f);
  for (const d of plotDirs) announceWritten(d, 'plots to');
  if (o.pra) for (const f of writePraFiles(report, o.pra)) announceWritten(f, 'alignments (sclite .pra layout) to');
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
  for (const w of performanceWarnings(b.name, p)) print(w);
}

/** What a terminal shows as each backend finishes one check. */
function printResult(check: Check, b: BackendReport): void {
  progressDone();
  if (b.status !== 'ran') print(`${b.name}: ${b.status === 'failed' ? 'FAILED' : 'not run'}${b.required ? '' : ' (optional)'}: ${b.reason}`);
  if (check === 'accuracy') for (const f of b.failedCases ?? []) print(`${b.name}: FAILED on case ${f.case} (${f.kind}): ${f.message} (${f.audio})`);
  if (check === 'accuracy' && b.accuracy) printAccuracy(b);
  if (check === 'accuracy' && b.localization) print(`${b.name}: ${localizationLine(b.localization)}`);
  if (check === 'performance' && b.performance) printPerformance(b);
}

/**
 * Ctrl-C or SIGTERM while the gate runs: the first stops it (the call under way is abandoned and
 * the report of what finished is written, marked interrupted); a second ends the process at once.
 */
export function onInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    progressDone();
    process.stderr.write(`asr-parity: ${sig}: stopping; writing the report of what finished (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again to quit at once)\n`);
    controller.abort(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Runs the gate, prints as it goes, writes every output even when a backend failed, and sets the exit code from the verdict. */
async function gate(config: Config, plan: GatePlan, o: GateFlags, checks: { accuracy?: CaseList & { source?: string; wholeCorpus?: readonly Case[] }; performance?: { audio: Audio16k; shortAudio: Audio16k; runs: number } }, shard?: ShardRecord): Promise<Report> {
  const t = config.thresholds;
  const devices = plan.devices.map((d) => `${d.entry.name}${d.required ? '' : ' (optional)'}`).join(', ');
  if (checks.accuracy) for (const l of powerLines(planPower(config, checks.accuracy.wholeCorpus ?? checks.accuracy.cases))) print(l);
  for (const c of checks.accuracy?.commands ?? []) print(`ran for ${c.where}${c.shell ? ' (through sh -c: it needs a shell)' : ''}: ${c.argv.join(' ')}`);
  if (checks.accuracy) print(`checking ${devices} against ${plan.baseline.entry.name} on ${checks.accuracy.cases.length} case${checks.accuracy.cases.length === 1 ? '' : 's'}${checks.accuracy.format ? ` (${checks.accuracy.format})` : ''}: WER < ${pct(t.maxWer)}, CER < ${pct(t.maxCer)}, exact match >= ${pct(t.minExactMatchRate)}, teacher-forced top-1 >= ${pct(t.minTop1Agreement)}; ${t.evidence === 'bound' ? `on ${pct(t.confidence)} confidence bounds` : 'on observed values (evidence "point")'}; normalizer ${config.normalizer}, CER ${config.cerSpaces === 'include' ? 'counting' : 'without'} spaces`);
  if (checks.performance) print(`measuring ${plan.baseline.entry.name}, ${devices}: ${checks.performance.runs} warm runs on ${checks.performance.audio.duration.toFixed(0)} s of audio`);
  if (o.locate !== undefined && !checks.accuracy?.cases.some((c) => c.id === o.locate)) throw new UsageError('--locate', `no case ${JSON.stringify(o.locate)} among the ${checks.accuracy?.cases.length ?? 0} cases given`, `give a case id of the audio given: ${(checks.accuracy?.cases ?? []).slice(0, 5).map((c) => c.id).join(', ')}`);
  if (o.locateMode) config = { ...config, localization: { ...config.localization, mode: o.locateMode } };
  const stop = onInterrupt();
  const report = await runGate(
    {
      config,
      ...(o.locate === undefined ? {} : { locate: o.locate }),
      plan,
      signal: stop.signal,
      accuracy: checks.accuracy && { cases: checks.accuracy.cases, wholeCorpus: checks.accuracy.wholeCorpus, skippedInputs: checks.accuracy.skipped, source: checks.accuracy.source, format: checks.accuracy.format, commands: checks.accuracy.commands },
      performance: checks.performance,
      shard,
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
  stop.dispose();
  if (report.interrupted) process.stderr.write(`asr-parity: interrupted by ${report.interrupted.signal}: ${o.output || o.markdown || o.html || o.csv || o.junit ? 'the files above hold what finished before it' : 'no report file was asked for'}\n`);
  // inputs found but not used change what the verdict covers: counted on its line, each reason in the report
  const skipped = report.inputs?.skipped.length ?? 0;
  print(`${verdictLine(report)}${skipped ? `; ${skipped} input(s) skipped, not checked (each with its reason in the report)` : ''}`);
  process.exitCode = report.interrupted ? EXIT.interrupted : exitCodeOf(report);
  // what was under way when the signal came (an in-process transcription) is not waited for
  if (report.interrupted) process.exit(EXIT.interrupted);
  return report;
}

/** compare and eval-accuracy: the baseline once, then each device backend against it. */
export async function runAccuracyGate(c: Config, o: GateFlags, cases: CaseList & { source?: string }): Promise<Report> {
  const shard = resolveShard(o);
  const { config, plan } = await planFromFlags(c, o);
  if (!shard) return gate(config, plan, o, { accuracy: cases });
  const mine = shardCases(cases.cases, shard);
  print(`shard ${shard.index}/${shard.count} (${shard.source}): ${mine.cases.length} of ${cases.cases.length} cases, by a hash of the case id`);
  if (!mine.cases.length) throw new UsageError(`shard ${shard.index}/${shard.count}`, `no case of the ${cases.cases.length} hashes to this shard`, 'use fewer shards than there are cases (each gets about cases/N)');
  return gate(config, plan, o, { accuracy: { ...cases, cases: mine.cases, wholeCorpus: cases.cases } }, mine.record);
}

/** eval-perf: every backend measured the same way, speedup over the baseline. */
export async function runPerformanceGate(c: Config, o: GateFlags, performance: { audio: Audio16k; shortAudio: Audio16k; runs: number }): Promise<Report> {
  const shard = resolveShard(o);
  const { config, plan } = await planFromFlags(c, o);
  if (!shard) return gate(config, plan, o, { performance });
  const mine = shardRuns(performance.runs, shard);
  if (!mine.runs) throw new UsageError(`shard ${shard.index}/${shard.count}`, `${performance.runs} warm runs leave none to this shard`, 'pass --num-runs of at least the shard count');
  print(`shard ${shard.index}/${shard.count} (${shard.source}): ${mine.runs} of ${performance.runs} warm runs`);
  return gate(config, plan, o, { performance: { ...performance, runs: mine.runs } }, mine.record);
}
