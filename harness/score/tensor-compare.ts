import type { CapturedTensor } from '../../backends/types.ts';
import type { LocalizationSettings } from '../config/load-config.ts';

/**
 * One tensor of the device against the same-named tensor of the baseline, as msprobe compares
 * its dumps: cosine similarity, max absolute and relative error, relative RMSE, and NaN/Inf
 * counts; a verdict by msprobe's default rule (config.schema.json's localization: fails when
 * cosine < 0.99 and max abs error > 1e-3, or cosine < 0.9, or max abs error > 1, or any NaN/Inf),
 * and where a noise floor was measured (the baseline's engine at a reduced precision against the
 * baseline) whether the error is beyond what reduced precision alone gives. Pure functions.
 */

export interface TensorMetrics {
  cosine: number;
  maxAbsError: number;
  maxRelError: number;
  /** ||device - baseline|| / ||baseline|| over the finite pairs (0 when both are zero). */
  relativeRmse: number;
  /** Non-finite values on each side. */
  nonFinite: { baseline: number; device: number };
}

/** The rule's thresholds: config.schema.json's localization fields. */
export type TensorRule = Pick<LocalizationSettings, 'minCosine' | 'maxAbsError' | 'hardMinCosine' | 'hardMaxAbsError'>;

/** A denominator floor for relative error: below it a baseline value counts as zero. */
const REL_EPS = 1e-7;

export function tensorMetrics(baseline: Float32Array, device: Float32Array): TensorMetrics {
  if (baseline.length !== device.length) throw new RangeError(`${baseline.length} baseline values against ${device.length} device values`);
  let dot = 0;
  let nb = 0;
  let nd = 0;
  let se = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let badB = 0;
  let badD = 0;
  for (let i = 0; i < baseline.length; i++) {
    const b = baseline[i]!;
    const d = device[i]!;
    const fb = Number.isFinite(b);
    const fd = Number.isFinite(d);
    if (!fb) badB++;
    if (!fd) badD++;
    if (!fb || !fd) continue;
    dot += b * d;
    nb += b * b;
    nd += d * d;
    const e = Math.abs(d - b);
    se += e * e;
    if (e > maxAbs) maxAbs = e;
    const r = e / Math.max(Math.abs(b), REL_EPS);
    if (r > maxRel) maxRel = r;
  }
  // two zero tensors agree; a zero tensor against a non-zero one does not
  const cosine = nb === 0 && nd === 0 ? 1 : nb === 0 || nd === 0 ? 0 : dot / Math.sqrt(nb * nd);
  const relativeRmse = nb === 0 ? (se === 0 ? 0 : Infinity) : Math.sqrt(se / nb);
  return { cosine: Math.min(1, Math.max(-1, cosine)), maxAbsError: maxAbs, maxRelError: maxRel, relativeRmse, nonFinite: { baseline: badB, device: badD } };
}

/** Why a tensor fails msprobe's rule; empty when it passes. */
export function ruleFailures(m: TensorMetrics, rule: TensorRule): string[] {
  const why: string[] = [];
  if (m.nonFinite.device || m.nonFinite.baseline) why.push(`NaN/Inf values (device ${m.nonFinite.device}, baseline ${m.nonFinite.baseline})`);
  if (m.cosine < rule.hardMinCosine) why.push(`cosine ${fmt(m.cosine)} < ${rule.hardMinCosine}`);
  else if (m.cosine < rule.minCosine && m.maxAbsError > rule.maxAbsError) why.push(`cosine ${fmt(m.cosine)} < ${rule.minCosine} with max abs error ${fmt(m.maxAbsError)} > ${rule.maxAbsError}`);
  if (m.maxAbsError > rule.hardMaxAbsError) why.push(`max abs error ${fmt(m.maxAbsError)} > ${rule.hardMaxAbsError}`);
  return why;
}

const fmt = (x: number) => (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(4) : x.toExponential(2));

/** A tensor's key: its module path, and the decoder step where it has one. */
export const tensorKey = (t: { name: string; step?: number }) => (t.step === undefined ? t.name : `${t.name}@${t.step}`);

export interface TensorRow {
  name: string;
  step?: number;
  shape: number[];
  metrics: TensorMetrics | null;
  /** msprobe's rule: fail, pass; or missing/shape when the two sides cannot be compared. */
  verdict: 'pass' | 'fail' | 'missing' | 'shape';
  reasons: string[];
  /** The noise floor's relative RMSE on this tensor (reduced precision against the baseline), where measured. */
  floorRelativeRmse?: number;
  /** A failing tensor whose error is within floorFactor of the floor's: what reduced precision alone gives. */
  withinFloor?: boolean;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The per-tensor table in the baseline's forward order: each baseline tensor against the device's
 * of the same name and step (both with values), with the floor's relative RMSE where a floor
 * capture is given.
 */
export function compareTensors(baseline: readonly CapturedTensor[], device: readonly CapturedTensor[], rule: TensorRule, floor?: { tensors: readonly CapturedTensor[]; factor: number }): TensorRow[] {
  const dev = new Map(device.map((t) => [tensorKey(t), t]));
  const flo = new Map((floor?.tensors ?? []).map((t) => [tensorKey(t), t]));
  return baseline.map((b): TensorRow => {
    const head = { name: b.name, ...(b.step === undefined ? {} : { step: b.step }), shape: b.shape };
    const d = dev.get(tensorKey(b));
    if (!d || !d.values || !b.values) return { ...head, metrics: null, verdict: 'missing', reasons: [d ? 'no values to compare' : 'the device has no tensor of this name'] };
    if (!sameShape(b.shape, d.shape)) return { ...head, metrics: null, verdict: 'shape', reasons: [`shape ${JSON.stringify(d.shape)} against the baseline's ${JSON.stringify(b.shape)}`] };
    const metrics = tensorMetrics(b.values, d.values);
    const reasons = ruleFailures(metrics, rule);
    const row: TensorRow = { ...head, metrics, verdict: reasons.length ? 'fail' : 'pass', reasons };
    const f = flo.get(tensorKey(b));
    if (floor && f?.values && sameShape(f.shape, b.shape)) {
      const fm = tensorMetrics(b.values, f.values);
      row.floorRelativeRmse = fm.relativeRmse;
      // non-finite values are never noise; otherwise within the floor when no worse than factor x the floor
      if (row.verdict === 'fail') row.withinFloor = metrics.nonFinite.device === 0 && metrics.relativeRmse <= floor.factor * fm.relativeRmse;
    }
    return row;
  });
}

/** The first tensor in forward order that fails the rule and is not within the noise floor (where one was measured). */
export function firstFailing(rows: readonly TensorRow[]): TensorRow | undefined {
  return rows.find((r) => (r.verdict === 'fail' || r.verdict === 'shape') && r.withinFloor !== true);
}
