import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { thresholdsFromFlags, type ThresholdFlags } from '../config/threshold-table.ts';
import type { BackendOptions, LoadedBackend } from '../../backends/types.ts';
import { backendOf } from '../load/resolve-backend.ts';
import type { BackendEntry, Config } from '../config/load-config.ts';
import { findEntry, planBackend, planBackends, type GatePlan, type PlannedBackend } from './plan-backends.ts';
import { loadBackend } from '../load/load-backend.ts';

/**
 * The command line over the config: every flag given wins over the config file, a flag left out
 * leaves the config's value. The CLI's commands only hand their flags here.
 */
export interface PlanFlags extends ThresholdFlags {
  backend?: string;
  baseline?: string;
  model?: string;
  baselineModel?: string;
  library?: string;
  threads?: number;
  language?: string;
  normalize?: Config['normalizer'];
  cerSpaces?: Config['cerSpaces'];
}

/** The flags a command gives for one backend it loads itself (transcribe, chunked, benchmark, soak, fuzz). */
export type BackendFlags = Pick<PlanFlags, 'model' | 'library' | 'threads' | 'language'>;

/** The fields of `o` that were given: an absent flag must not blank out the config's value when spread over it. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The normalizer, CER convention and thresholds with the command line over the config (no backend is resolved: `eval-accuracy --plan` needs only these). */
export function scoringFromFlags(c: Config, o: PlanFlags): Config {
  return {
    ...c,
    normalizer: o.normalize ?? c.normalizer,
    cerSpaces: o.cerSpaces ?? c.cerSpaces,
    thresholds: { ...c.thresholds, ...thresholdsFromFlags(o) },
  };
}

/**
 * The config with the command line on top, and the gate's plan from it. A backend named with
 * --backend replaces the config's device list and is required; --baseline picks the baseline by
 * config name or registered backend.
 */
export async function planFromFlags(c: Config, o: PlanFlags): Promise<{ config: Config; plan: GatePlan }> {
  const config = scoringFromFlags(c, o);
  const baseline: BackendEntry = o.baseline ? findEntry(c, o.baseline) : c.baseline;
  let devices = c.backends;
  if (o.backend) {
    const e = findEntry(c, o.backend);
    // the same backend as device and baseline (another model, say) needs two names in the report
    devices = [{ ...e, optional: false, name: e.name === baseline.name ? `${e.name}-device` : e.name }];
  }
  const shared: BackendOptions = defined({ library: o.library, threads: o.threads, language: o.language });
  // a path on the command line is the shell's: absolute before it reaches a worker running in the config's folder
  const model = o.model !== undefined && existsSync(o.model) ? resolve(o.model) : o.model;
  // one model named once serves both sides where the baseline runs it at its own precision (one
  // transformers folder: fp32 on the CPU against fp16 on the device); else the baseline keeps its own.
  // Not when the device is the baseline's own backend: then --model is what tells the two apart
  // (cpu-fp32 on another checkpoint against cpu-fp32 on its default one)
  const sameBackend = devices.some((d) => d.backend === baseline.backend);
  const baselineModel = o.baselineModel ?? (model !== undefined && !sameBackend && (await backendOf(baseline, c.source ?? 'command line')).readsModel?.(model) ? model : undefined);
  const plan = await planBackends({ ...config, baseline, backends: devices }, { baseline: { ...shared, ...defined({ model: baselineModel }) }, devices: { ...shared, ...defined({ model }) } });
  return { config: { ...config, baseline, backends: devices }, plan };
}

/** A backend named on the command line, as the config knows it (its model, library, command...), with the flags on top. */
export async function planOneFromFlags(c: Config, name: string, o: BackendFlags): Promise<PlannedBackend> {
  return planBackend(findEntry(c, name), 'device', c.source ?? 'command line', defined({ model: o.model, library: o.library, threads: o.threads, language: o.language }));
}

/** The same, loaded in this process: for the commands that call one backend directly. */
export async function loadOneFromFlags(c: Config, name: string, o: BackendFlags): Promise<LoadedBackend> {
  const p = await planOneFromFlags(c, name, o);
  return loadBackend(p);
}
