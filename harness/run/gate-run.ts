import type { LoadedBackend } from '../../backends/types.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import type { Case, CorpusCommand, SkippedInput } from '../audio/manifest.ts';
import { measurePerformance } from '../bench/measure-performance.ts';
import type { Config } from '../config/load-config.ts';
import { AudioInputError } from '../errors.ts';
import type { IsolationOptions } from '../isolate/isolated-backend.ts';
import { assembleReport, configSummary } from '../report/assemble-report.ts';
import { baselineCacheLine } from '../report/format-baseline-cache.ts';
import type { BackendReport, BaselineCacheUse, CaseFailure, Check, Report, ShardRecord } from '../report/report-types.ts';
import { underLoadCheck, type PlainTranscript, type UnderLoadCheck } from '../score/gate.ts';
import { withBaselineCache } from './cached-baseline.ts';
import { runAccuracyKeepingScores, type TranscribedRun } from './accuracy.ts';
import { loadCaseAudio } from '../audio/case-audio.ts';
import type { AccuracyResult, Localization } from '../report/report-types.ts';
import { loadFloor, locateCase, whyNoLocalization } from './locate.ts';
import { fragmentOf, type GatePlan, type PlannedBackend } from './plan-backends.ts';
import { loadBackend } from '../load/load-backend.ts';
import { Interrupted, untilAborted } from '../io/until-aborted.ts';
import { loadRestartable } from '../load/restartable-backend.ts';
import { planPower } from './plan-power.ts';
import { failureMessage, transcribeEachCase } from './transcribe-cases.ts';

/** What one gate run checks: the accuracy of every device against the baseline, their performance, or both. */
export interface GateRun {
  config: Config;
  plan: GatePlan;
  /** `source`: where the cases came from (a file, folder or manifest), recorded in the report; the config's fixtures by default. `wholeCorpus`: a shard's whole corpus, whose power the report records (`cases` are the shard's share of it). */
  accuracy?: { cases: readonly Case[]; skippedInputs?: readonly SkippedInput[]; source?: string; format?: string; commands?: CorpusCommand[]; wholeCorpus?: readonly Case[] };
  performance?: { audio: Audio16k; shortAudio: Audio16k; runs: number };
  /** Aborted (Ctrl-C): the case or measurement under way is abandoned, what finished is scored and reported, backends not reached are left out, and the report says it was interrupted. */
  signal?: AbortSignal;
  /** Keep and reuse the baseline's results in this folder (harness/run/baseline-cache.ts); without it the baseline always runs. */
  baselineCache?: { dir: string };
  /** Localize this case (compare --locate CASE_ID) for every device, whatever its verdict; else the config's localization.auto decides. */
  locate?: string;
  /** This run is one shard of a split run (harness/run/shard-cases.ts): the cases and runs above are its share; recorded in the report for the merge. */
  shard?: ShardRecord;
}

export interface GateEvents {
  /** A short line about what is happening now (for a progress display). */
  progress?(message: string): void;
  /** A backend's outcome for one check, as soon as it is known. */
  result?(check: Check, fragment: BackendReport): void;
  /** A line worth keeping on a terminal: what came from the baseline cache, an entry that could not be trusted. */
  note?(message: string): void;
}

/** The accuracy path's transcripts of the performance audio, per backend: what the timed calls must equal. */
type References = Map<string, { audio: PlainTranscript; short: PlainTranscript; source: UnderLoadCheck['reference'] }>;

interface RunState {
  /** This run's start, recorded in the cache entries it makes. */
  id: string;
  references: References;
  /** The backend under way when the run was stopped, and what it was doing: the report names it. */
  stopped?: { backend: string; during: NonNullable<NonNullable<Report['interrupted']>['during']> };
}

/** What the report keeps of an error, beside the backend's name: its message (which for a crashed backend holds its last output). */
function why(stage: string, e: unknown): string {
  return `${stage}: ${failureMessage(e)}`;
}

/** Bad audio is the user's input, not the backend's fault: it ends the run as bad input (exit 2). */
function rethrowInputError(e: unknown): void {
  if (e instanceof AudioInputError) throw e;
}

function isolationOf(config: Config): IsolationOptions | undefined {
  return config.isolation.enabled ? config.isolation : undefined;
}

/**
 * Loads a backend the way the accuracy check does; the baseline behind its cache when the run
 * keeps one. A key that cannot be made (a file that cannot be hashed) runs without the cache.
 */
async function loadChecked(p: PlannedBackend, run: GateRun, state: RunState, ev: GateEvents): Promise<{ loaded: LoadedBackend; cache?: BaselineCacheUse }> {
  // a backend whose process ends on a case is loaded again, as often as the config allows
  const loaded = await loadRestartable(p.entry.name, () => loadBackend(p, isolationOf(run.config), run.signal), run.config.maxRestarts);
  if (p.role !== 'baseline' || !run.baselineCache) return { loaded };
  try {
    const c = await withBaselineCache(loaded, p.backend.name, p.options, { dir: run.baselineCache.dir, run: state.id, onProblem: (x) => ev.note?.(`baseline cache: ${x.file}: ${x.problem}; recomputed`) });
    return { loaded: c.loaded, cache: c.use };
  } catch (e) {
    ev.note?.(`baseline cache: not used: ${(e as Error).message}`);
    return { loaded };
  }
}

/**
 * loadChecked, no longer waited for once the run is stopped (Ctrl-C): a load can take minutes (a
 * large model onto a device). The load is abandoned: a backend in a process of its own has that
 * process killed (the signal reaches loadBackend), and one that finishes loading anyway is
 * disposed of. Throws Interrupted, with the backend named in the run's state for the report.
 */
async function loadUnlessStopped(p: PlannedBackend, run: GateRun, state: RunState, ev: GateEvents): Promise<{ loaded: LoadedBackend; cache?: BaselineCacheUse }> {
  const loading = loadChecked(p, run, state, ev);
  try {
    return await untilAborted(loading, run.signal);
  } catch (e) {
    if (!(e instanceof Interrupted) && !run.signal?.aborted) throw e;
    state.stopped ??= { backend: p.entry.name, during: 'loading' };
    loading.then(({ loaded }) => loaded.dispose(), () => undefined);
    throw e instanceof Interrupted ? e : new Interrupted(String(run.signal?.reason ?? 'abort'));
  }
}

/** The accuracy path's transcription of the performance audio: the reference for the under-load check. */
async function referenceOf(loaded: LoadedBackend, perf: NonNullable<GateRun['performance']>, source: UnderLoadCheck['reference']) {
  return { audio: await loaded.transcribe(perf.audio), short: await loaded.transcribe(perf.shortAudio), source };
}

/** The accuracy path's transcripts of one backend, the cases it failed on (each with its reason), or the failure that stopped it. */
interface Transcribed {
  run?: TranscribedRun;
  failed: CaseFailure[];
  failure?: BackendReport;
  cache?: BaselineCacheUse;
  /** Stopped by the user before it finished a case: nothing to report for it. */
  interrupted?: boolean;
}

async function transcribeAll(p: PlannedBackend, run: GateRun, state: RunState, cases: readonly Case[], ev: GateEvents): Promise<Transcribed> {
  let loaded: LoadedBackend;
  let cache: BaselineCacheUse | undefined;
  ev.progress?.(`${p.entry.name}: loading`);
  try {
    ({ loaded, cache } = await loadUnlessStopped(p, run, state, ev));
  } catch (e) {
    if (e instanceof Interrupted) return { failed: [], interrupted: true };
    rethrowInputError(e);
    return { failed: [], failure: fragmentOf(p, { status: 'failed', reason: why('failed to load', e) }) };
  }
  const t = await transcribeEachCase(loaded, cases, p.entry.name, (m) => ev.progress?.(m), run.signal).catch((e: unknown) => {
    loaded.dispose();
    throw e;
  });
  const failedCases = t.failed.length ? { failedCases: t.failed } : {};
  if (t.interrupted) state.stopped ??= { backend: p.entry.name, during: 'transcribing' };
  if (t.interrupted && !t.results.length) {
    loaded.dispose();
    return { failed: t.failed, interrupted: true };
  }
  // a backend that finished nothing, or could not be started again, fails as a whole; the cases it failed on stay in the report
  if (t.abandoned || !t.results.length) {
    const environment = safeDescribe(loaded);
    loaded.dispose();
    const first = t.failed[0];
    const reason = t.abandoned ? why(`failed on ${t.failed.filter((f) => f.kind !== 'not-run').length} case(s), then could not be started again`, t.abandoned) : `failed on every case (${cases.length}); the first, ${first?.case} (${first?.audio}): ${first?.message}`;
    return { failed: t.failed, failure: fragmentOf(p, { status: 'failed', reason, environment, ...failedCases }) };
  }
  if (cache) ev.note?.(baselineCacheLine(cache, 'cases'));
  try {
    if (run.performance && !t.interrupted) {
      ev.progress?.(`${p.entry.name}: the performance audio, untimed (what the timed runs must give)`);
      state.references.set(p.entry.name, await untilAborted(referenceOf(loaded, run.performance, 'accuracy run'), run.signal));
    }
    return { run: { loaded, results: t.results }, failed: t.failed, cache };
  } catch (e) {
    // stopped during the performance audio: the cases are done and kept; the performance check is not reached
    if (e instanceof Interrupted) {
      state.stopped ??= { backend: p.entry.name, during: 'transcribing' };
      return { run: { loaded, results: t.results }, failed: t.failed, cache };
    }
    const environment = safeDescribe(loaded);
    loaded.dispose();
    rethrowInputError(e);
    return { failed: t.failed, failure: fragmentOf(p, { status: 'failed', reason: why('failed on the performance audio (untimed)', e), environment, ...failedCases }) };
  }
}

function safeDescribe(loaded: LoadedBackend): BackendReport['environment'] {
  try {
    return loaded.describe();
  } catch {
    return undefined;
  }
}

/**
 * The accuracy check: the baseline transcribes every case once, then each device backend in
 * turn is loaded, transcribes, is scored against it and teacher-forced. A backend that cannot
 * run, fails to load, crashes or hangs is recorded with its reason and the run goes on.
 */
async function accuracyCheck(run: GateRun, state: RunState, cases: readonly Case[], emit: (f: BackendReport) => void, ev: GateEvents): Promise<void> {
  const { plan, config } = run;
  let baseline: TranscribedRun | undefined;
  let baselineFailed: CaseFailure[] = [];
  let baselineFragment: BackendReport | undefined;
  let baselineMissing = '';
  if (!plan.baseline.availability.ok) {
    emit(fragmentOf(plan.baseline));
    baselineMissing = `the baseline ${plan.baseline.entry.name} did not run (${plan.baseline.availability.reason})`;
  } else {
    const b = await transcribeAll(plan.baseline, run, state, cases, ev);
    if (b.interrupted) return;
    if (b.failure) {
      emit(b.failure);
      baselineMissing = `the baseline ${plan.baseline.entry.name} failed`;
    } else {
      baseline = b.run!;
      baselineFailed = b.failed;
      // emitted once the devices are done: its cache figures include the teacher-forced logits they used
      // its transcripts too: a device that fails on every case (or a run stopped early) must not take them out of the report
      const transcripts = baseline.results.map((x) => ({ case: x.case.id, audio: x.case.audio, text: x.result.text, ...(x.case.text.trim() ? { referenceText: x.case.text } : {}) }));
      baselineFragment = fragmentOf(plan.baseline, { environment: baseline.loaded.describe(), transcripts, ...(b.cache ? { baselineCache: b.cache } : {}), ...(b.failed.length ? { failedCases: b.failed } : {}) });
    }
  }
  try {
    for (const p of plan.devices) {
      if (run.signal?.aborted) break;
      if (!p.availability.ok) {
        emit(fragmentOf(p));
        continue;
      }
      if (!baseline) {
        emit(fragmentOf(p, { status: 'skipped', reason: `not compared: ${baselineMissing}` }));
        continue;
      }
      // a case the baseline failed on cannot be compared: the device is not asked for it
      const baselineDone = new Set(baseline.results.map((r) => r.case.id));
      const d = await transcribeAll(p, run, state, cases.filter((c) => baselineDone.has(c.id)), ev);
      if (d.interrupted) break;
      if (d.failure) {
        emit(d.failure);
        continue;
      }
      const device = d.run!;
      const failedCases = d.failed.length ? { failedCases: d.failed } : {};
      try {
        // the figures are over the cases both sides finished; the rest are named and fail the gate
        const deviceDone = new Set(device.results.map((r) => r.case.id));
        const both: TranscribedRun = { loaded: baseline.loaded, results: baseline.results.filter((r) => deviceDone.has(r.case.id)) };
        const r = await runAccuracyKeepingScores(both, device, { normalizer: config.normalizer, cerSpaces: config.cerSpaces, thresholds: config.thresholds, failureShapes: config.failureShapes, invariance: config.invariance, progress: ev.progress, leftOut: [...baselineFailed, ...d.failed], signal: run.signal });
        const environment = safeDescribe(device.loaded);
        const located = r.error ? undefined : await localize(run, cases, baseline, device, p, r.accuracy, ev);
        const localization = located ? { localization: located } : {};
        emit(r.error ? fragmentOf(p, { status: 'failed', reason: why('failed during teacher forcing', r.error), environment, accuracy: r.accuracy, ...failedCases }) : fragmentOf(p, { environment, accuracy: r.accuracy, ...failedCases, ...localization }));
      } finally {
        device.loaded.dispose();
      }
    }
  } finally {
    if (baselineFragment) emit(baselineFragment);
    baseline?.loaded.dispose();
  }
}

/**
 * Localization of one case for a device (harness/run/locate.ts): the case compare --locate
 * names, else with localization.auto the first case whose teacher-forced top-1 flips or whose
 * WER is above zero, where both sides offer tensors. Its failure is recorded, never the backend's.
 */
async function localize(run: GateRun, cases: readonly Case[], baseline: TranscribedRun, device: TranscribedRun, p: PlannedBackend, accuracy: AccuracyResult, ev: GateEvents): Promise<Localization | undefined> {
  const settings = run.config.localization;
  const names = { baseline: run.plan.baseline.entry.name, device: p.entry.name };
  const flipped = (c: AccuracyResult['cases'][number]) => (c.tokenParity ? c.tokenParity.top1Agreements < c.tokenParity.steps : false) || c.wer > 0;
  const id = run.locate ?? (settings.auto && !whyNoLocalization(baseline.loaded, device.loaded, names) ? accuracy.cases.find(flipped)?.id : undefined);
  const c = id === undefined ? undefined : cases.find((x) => x.id === id);
  if (!c) return undefined;
  ev.progress?.(`${p.entry.name}: localizing ${c.id} (${settings.mode})`);
  const floor = baseline.loaded.tensors ? await loadFloor(run.config, run.plan.baseline) : undefined;
  try {
    const tokens = baseline.results.find((r) => r.case.id === c.id)?.result.tokens;
    return await locateCase({ caseId: c.id, audio: await loadCaseAudio(c), baseline: { name: names.baseline, loaded: baseline.loaded }, device: { name: names.device, loaded: device.loaded }, floor, settings, ...(tokens ? { tokens } : {}) });
  } catch (e) {
    rethrowInputError(e);
    return { available: false, caseId: c.id, reason: `localization failed: ${(e as Error).message}` };
  } finally {
    if (floor && 'loaded' in floor) floor.loaded.dispose();
  }
}

/** The performance check: every backend measured the same way, one after another, each in its own process when isolation is on. */
/** Without an accuracy check in this run: one untimed transcription through the accuracy path (the baseline's may come from its cache). */
async function untimedReference(p: PlannedBackend, run: GateRun, state: RunState, perf: NonNullable<GateRun['performance']>, ev: GateEvents) {
  ev.progress?.(`${p.entry.name}: the performance audio, untimed (what the timed runs must give)`);
  const { loaded, cache } = await loadChecked(p, run, state, ev);
  try {
    return { reference: await referenceOf(loaded, perf, 'untimed run'), cache };
  } finally {
    loaded.dispose();
  }
}

/**
 * The performance check: every backend measured the same way, one after another, each in its
 * own process when isolation is on; every timed transcript is held against the accuracy path's
 * for the same audio (score/gate.ts underLoadCheck).
 */
async function performanceCheck(run: GateRun, state: RunState, perf: NonNullable<GateRun['performance']>, emit: (f: BackendReport) => void, ev: GateEvents): Promise<void> {
  for (const p of [run.plan.baseline, ...run.plan.devices]) {
    if (run.signal?.aborted) return;
    if (!p.availability.ok) {
      emit(fragmentOf(p));
      continue;
    }
    let reference = state.references.get(p.entry.name);
    let cache: BaselineCacheUse | undefined;
    if (!reference) {
      try {
        ({ reference, cache } = await untilAborted(untimedReference(p, run, state, perf, ev), run.signal));
      } catch (e) {
        rethrowInputError(e);
        if (e instanceof Interrupted || run.signal?.aborted) {
          state.stopped ??= { backend: p.entry.name, during: 'transcribing' };
          return;
        }
        emit(fragmentOf(p, { status: 'failed', reason: why('failed on the performance audio, untimed', e) }));
        continue;
      }
    }
    try {
      const r = await untilAborted(measurePerformance(p, { ...perf, progress: ev.progress, isolation: isolationOf(run.config) }), run.signal);
      emit(fragmentOf(p, { environment: r.environment, performance: { ...r.performance, underLoad: underLoadCheck(reference, r.transcripts) }, ...(cache ? { baselineCache: cache } : {}) }));
    } catch (e) {
      rethrowInputError(e);
      if (e instanceof Interrupted) {
        state.stopped ??= { backend: p.entry.name, during: 'measuring' };
        return;
      }
      emit(fragmentOf(p, { status: 'failed', reason: why('failed while measuring performance', e) }));
    }
  }
}

/**
 * The whole gate, for the CLI and the test suites alike: plan in hand, every check it asks
 * for, every backend's outcome recorded (nothing measured is dropped when another backend
 * fails), and one report with the verdict. Only bad input (audio that does not decode) ends
 * the run early, by throwing.
 */
export async function runGate(run: GateRun, ev: GateEvents = {}): Promise<Report> {
  const fragments: BackendReport[] = [];
  const checks: Check[] = [];
  const state: RunState = { id: new Date().toISOString(), references: new Map() };
  const emitter = (check: Check) => (f: BackendReport) => {
    fragments.push(f);
    ev.result?.(check, f);
  };
  if (run.accuracy) {
    checks.push('accuracy');
    await accuracyCheck(run, state, run.accuracy.cases, emitter('accuracy'), ev);
  }
  if (run.performance) {
    checks.push('performance');
    await performanceCheck(run, state, run.performance, emitter('performance'), ev);
  }
  if (!checks.length) throw new RangeError('runGate needs accuracy, performance or both');
  const interrupted = run.signal?.aborted ? { signal: String(run.signal.reason ?? 'abort'), ...state.stopped } : undefined;
  const corpus = run.accuracy?.format ? { format: run.accuracy.format, ...(run.accuracy.commands?.length ? { commands: run.accuracy.commands } : {}), power: planPower(run.config, run.accuracy.wholeCorpus ?? run.accuracy.cases) } : undefined;
  return assembleReport({ config: await configSummary(run.config, run.accuracy?.source, corpus), checks, fragments, skippedInputs: run.accuracy?.skippedInputs, interrupted, shard: run.shard });
}
