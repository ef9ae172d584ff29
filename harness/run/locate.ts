import type { Audio16k } from '../audio/decoded-audio.ts';
import type { CapturedTensor, LoadedBackend } from '../../backends/types.ts';
import type { Config, LocalizationSettings } from '../config/load-config.ts';
import { loadBackend } from '../load/load-backend.ts';
import type { Localization, LocalizationFloor, LocalizationRow } from '../report/report-types.ts';
import { compareTensors, firstFailing, type TensorRow } from '../score/tensor-compare.ts';
import { findEntry, planBackend, type PlannedBackend } from './plan-backends.ts';

/**
 * Where a case broke, layer by layer (README, "Where it broke"): the baseline and the device give
 * their per-module tensors (the `tensors` capability, forward hooks on transformers' module
 * paths) with the baseline's tokens forced, at the prompt and at the first step whose top-1
 * flips; each tensor is compared by msprobe's rule, in isolation (each module fed the baseline's
 * input) or propagation, against a noise floor (the baseline's engine at a reduced precision).
 */

/** Why a pair of backends cannot be localized, or undefined when both offer tensors. */
export function whyNoLocalization(baseline: LoadedBackend, device: LoadedBackend, names: { baseline: string; device: string }): string | undefined {
  const lacks = [
    [names.baseline, baseline],
    [names.device, device],
  ].filter(([, b]) => !(b as LoadedBackend).tensors);
  if (!lacks.length) return undefined;
  return `${lacks.map(([n]) => n).join(' and ')}: not supported by this engine (${lacks.map(([n, b]) => `${n as string}: ${whyNoTensors(b as LoadedBackend)}`).join('; ')})`;
}

/**
 * Why an engine has no tensors: whisper.cpp 1.9.3's C API (whisper.h) offers no way to reach
 * ggml's graph evaluation callback. whisper_full_params has callbacks for new segments,
 * progress, encoder begin, abort and logits filtering only; the ggml_backend_sched it builds its
 * graphs on (whisper_sched_graph_init, src/whisper.cpp) is private to the context and
 * ggml_backend_sched_set_eval_callback is never called on it, so no caller can observe a node's
 * output. Anything else: it did not declare the capability.
 */
function whyNoTensors(b: LoadedBackend): string {
  const d = b.describe();
  if (String(d.engine ?? '').startsWith('whisper.cpp')) return "whisper.cpp 1.9.3's API has no per-tensor hook: ggml's graph evaluation callback (ggml_backend_sched_set_eval_callback) is set on a scheduler private to whisper_context, and whisper_full_params offers only segment, progress, encoder-begin, abort and logits-filter callbacks";
  return 'it does not declare the tensors capability (worker protocol, load capabilities)';
}

const argmax = (v: Float32Array) => v.reduce((best, x, i) => (x > v[best]! ? i : best), 0);

/** The first step (0: the prompt) whose teacher-forced top-1 differs between the two, or null. */
export async function firstFlip(audio: Audio16k, tokens: number[], baseline: LoadedBackend, device: LoadedBackend): Promise<number | null> {
  if (!baseline.forcedLogits || !device.forcedLogits) return null;
  const [b, d] = [await baseline.forcedLogits(audio, tokens), await device.forcedLogits(audio, tokens)];
  // the row after the last token predicts beyond what was forced: steps 0..tokens.length only
  for (let k = 0; k <= tokens.length && k < b.length && k < d.length; k++) if (argmax(b[k]!) !== argmax(d[k]!)) return k;
  return null;
}

export interface LocateInput {
  caseId: string;
  audio: Audio16k;
  baseline: { name: string; loaded: LoadedBackend };
  device: { name: string; loaded: LoadedBackend };
  /** The noise floor's leg: the baseline's engine at a reduced precision; absent, or why not. */
  floor?: { name: string; loaded: LoadedBackend } | { name: string; reason: string };
  settings: LocalizationSettings;
  /** The tokens to force; default: the baseline's transcript of the audio. */
  tokens?: number[];
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

function rowOf(r: TensorRow): LocalizationRow {
  const m = r.metrics;
  return {
    name: r.name,
    ...(r.step === undefined ? {} : { step: r.step }),
    shape: r.shape,
    verdict: r.verdict,
    reasons: r.reasons,
    ...(m ? { cosine: m.cosine, maxAbsError: finiteOrNull(m.maxAbsError), maxRelError: finiteOrNull(m.maxRelError), relativeRmse: finiteOrNull(m.relativeRmse), nonFiniteBaseline: m.nonFinite.baseline, nonFiniteDevice: m.nonFinite.device } : {}),
    ...(r.floorRelativeRmse === undefined ? {} : { floorRelativeRmse: finiteOrNull(r.floorRelativeRmse) }),
    ...(r.withinFloor === undefined ? {} : { withinFloor: r.withinFloor }),
  };
}

/** One case localized: the per-tensor table and the first tensor that fails beyond the noise floor. */
export async function locateCase(x: LocateInput): Promise<Localization> {
  const { baseline, device, settings } = x;
  const why = whyNoLocalization(baseline.loaded, device.loaded, { baseline: baseline.name, device: device.name });
  if (why) return { available: false, caseId: x.caseId, reason: why };
  const tokens = x.tokens ?? (await baseline.loaded.transcribe(x.audio)).tokens ?? [];
  const flip = await firstFlip(x.audio, tokens, baseline.loaded, device.loaded);
  const steps = [...new Set([0, flip ?? 0])];
  const isolation = settings.mode === 'isolation';
  const base = await baseline.loaded.tensors!(x.audio, tokens, { steps, values: true, inputs: isolation });
  const feed = isolation ? base.inputs : undefined;
  const dev = await device.loaded.tensors!(x.audio, tokens, { steps, values: true, ...(feed ? { feed } : {}) });
  let floorTensors: CapturedTensor[] | undefined;
  let floorNote: LocalizationFloor | null = null;
  if (x.floor && 'loaded' in x.floor) {
    if (x.floor.loaded.tensors) {
      floorTensors = (await x.floor.loaded.tensors(x.audio, tokens, { steps, values: true, ...(feed ? { feed } : {}) })).tensors;
      floorNote = { backend: x.floor.name, factor: settings.floorFactor };
    } else floorNote = { backend: x.floor.name, factor: settings.floorFactor, reason: `${x.floor.name} does not offer tensors` };
  } else if (x.floor) floorNote = { backend: x.floor.name, factor: settings.floorFactor, reason: x.floor.reason };
  const rows = compareTensors(base.tensors, dev.tensors, settings, floorTensors ? { tensors: floorTensors, factor: settings.floorFactor } : undefined);
  const first = firstFailing(rows);
  return {
    available: true,
    caseId: x.caseId,
    mode: settings.mode,
    baseline: baseline.name,
    steps,
    flipStep: flip,
    tokens: tokens.length,
    rule: { minCosine: settings.minCosine, maxAbsError: settings.maxAbsError, hardMinCosine: settings.hardMinCosine, hardMaxAbsError: settings.hardMaxAbsError },
    floor: floorNote,
    firstFailing: first ? { name: first.name, ...(first.step === undefined ? {} : { step: first.step }), reasons: first.reasons } : null,
    rows: rows.map(rowOf),
  };
}

/**
 * The noise floor's leg for a baseline: the configured floor backend on the baseline's model
 * (and threads), loaded; or why not. Undefined when the config sets no floor.
 */
export async function loadFloor(config: Config, baseline: PlannedBackend): Promise<LocateInput['floor']> {
  const name = config.localization.floorBackend;
  if (!name) return undefined;
  try {
    const p = await planBackend(findEntry(config, name), 'device', config.source ?? 'built-in config', { model: baseline.options.model, threads: baseline.options.threads });
    if (!p.availability.ok) return { name, reason: p.availability.reason };
    return { name, loaded: await loadBackend(p) };
  } catch (e) {
    return { name, reason: (e as Error).message };
  }
}
