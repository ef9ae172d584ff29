import type { LoadedBackend } from '../../backends/types.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import type { Case, SkippedInput } from '../audio/manifest.ts';
import { measurePerformance } from '../bench/measure-performance.ts';
import type { Config } from '../config/load-config.ts';
import { AudioInputError } from '../errors.ts';
import type { IsolationOptions } from '../isolate/isolated-backend.ts';
import { assembleReport, configSummary } from '../report/assemble-report.ts';
import type { BackendReport, Check, Report } from '../report/report-types.ts';
import { runAccuracyKeepingScores, type TranscribedRun } from './accuracy.ts';
import { fragmentOf, type GatePlan, type PlannedBackend } from './plan-backends.ts';
import { loadBackend, transcribeCases } from './transcribe-cases.ts';

/** What one gate run checks: the accuracy of every device against the baseline, their performance, or both. */
export interface GateRun {
  config: Config;
  plan: GatePlan;
  /** `source`: where the cases came from (a file, folder or manifest), recorded in the report; the config's fixtures by default. */
  accuracy?: { cases: readonly Case[]; skippedInputs?: readonly SkippedInput[]; source?: string };
  performance?: { audio: Audio16k; shortAudio: Audio16k; runs: number };
}

export interface GateEvents {
  /** A short line about what is happening now (for a progress display). */
  progress?(message: string): void;
  /** A backend's outcome for one check, as soon as it is known. */
  result?(check: Check, fragment: BackendReport): void;
}

/** What the report keeps of an error: its message (which for a crashed backend holds its last output). */
function why(stage: string, e: unknown): string {
  return `${stage}: ${(e as Error)?.message ?? String(e)}`;
}

/** Bad audio is the user's input, not the backend's fault: it ends the run as bad input (exit 2). */
function rethrowInputError(e: unknown): void {
  if (e instanceof AudioInputError) throw e;
}

function isolationOf(config: Config): IsolationOptions | undefined {
  return config.isolation.enabled ? config.isolation : undefined;
}

async function transcribeAll(p: PlannedBackend, run: GateRun, cases: readonly Case[], ev: GateEvents): Promise<{ run?: TranscribedRun; failure?: BackendReport }> {
  let loaded: LoadedBackend;
  ev.progress?.(`${p.entry.name}: loading`);
  try {
    loaded = await loadBackend(p.backend, p.options, isolationOf(run.config));
  } catch (e) {
    rethrowInputError(e);
    return { failure: fragmentOf(p, { status: 'failed', reason: why('failed to load', e) }) };
  }
  let at = 0;
  try {
    const results = await transcribeCases(loaded, cases, p.entry.name, (m) => {
      at++;
      ev.progress?.(m);
    });
    return { run: { loaded, results } };
  } catch (e) {
    loaded.dispose();
    rethrowInputError(e);
    const c = cases[Math.max(0, at - 1)]!;
    return { failure: fragmentOf(p, { status: 'failed', reason: why(`failed on case ${c.id} (${at} of ${cases.length}, ${c.audio})`, e), environment: safeDescribe(loaded) }) };
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
async function accuracyCheck(run: GateRun, cases: readonly Case[], emit: (f: BackendReport) => void, ev: GateEvents): Promise<void> {
  const { plan, config } = run;
  let baseline: TranscribedRun | undefined;
  let baselineMissing = '';
  if (!plan.baseline.availability.ok) {
    emit(fragmentOf(plan.baseline));
    baselineMissing = `the baseline ${plan.baseline.entry.name} did not run (${plan.baseline.availability.reason})`;
  } else {
    const b = await transcribeAll(plan.baseline, run, cases, ev);
    if (b.failure) {
      emit(b.failure);
      baselineMissing = `the baseline ${plan.baseline.entry.name} failed`;
    } else {
      baseline = b.run!;
      emit(fragmentOf(plan.baseline, { environment: baseline.loaded.describe() }));
    }
  }
  try {
    for (const p of plan.devices) {
      if (!p.availability.ok) {
        emit(fragmentOf(p));
        continue;
      }
      if (!baseline) {
        emit(fragmentOf(p, { status: 'skipped', reason: `not compared: ${baselineMissing}` }));
        continue;
      }
      const d = await transcribeAll(p, run, cases, ev);
      if (d.failure) {
        emit(d.failure);
        continue;
      }
      const device = d.run!;
      try {
        const r = await runAccuracyKeepingScores(baseline, device, { normalizer: config.normalizer, thresholds: config.thresholds, progress: ev.progress });
        const environment = safeDescribe(device.loaded);
        emit(r.error ? fragmentOf(p, { status: 'failed', reason: why('failed during teacher forcing', r.error), environment, accuracy: r.accuracy }) : fragmentOf(p, { environment, accuracy: r.accuracy }));
      } finally {
        device.loaded.dispose();
      }
    }
  } finally {
    baseline?.loaded.dispose();
  }
}

/** The performance check: every backend measured the same way, one after another, each in its own process when isolation is on. */
async function performanceCheck(run: GateRun, perf: NonNullable<GateRun['performance']>, emit: (f: BackendReport) => void, ev: GateEvents): Promise<void> {
  for (const p of [run.plan.baseline, ...run.plan.devices]) {
    if (!p.availability.ok) {
      emit(fragmentOf(p));
      continue;
    }
    try {
      const r = await measurePerformance(p.backend, p.options, { ...perf, progress: ev.progress, isolation: isolationOf(run.config) });
      emit(fragmentOf(p, { environment: r.environment, performance: r.performance }));
    } catch (e) {
      rethrowInputError(e);
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
  const emitter = (check: Check) => (f: BackendReport) => {
    fragments.push(f);
    ev.result?.(check, f);
  };
  if (run.accuracy) {
    checks.push('accuracy');
    await accuracyCheck(run, run.accuracy.cases, emitter('accuracy'), ev);
  }
  if (run.performance) {
    checks.push('performance');
    await performanceCheck(run, run.performance, emitter('performance'), ev);
  }
  if (!checks.length) throw new RangeError('runGate needs accuracy, performance or both');
  return assembleReport({ config: await configSummary(run.config, run.accuracy?.source), checks, fragments, skippedInputs: run.accuracy?.skippedInputs });
}
