import { Type, type Static } from '@sinclair/typebox';
import { Enum, OrNull } from '../io/schema-types.ts';
/**
 * Token-level parity by teacher forcing: both backends are fed the baseline's tokens, and the
 * logits of every step are compared. Transcript WER cannot tell a near-tie (two tokens almost
 * equally likely, fp16 rounding tips it) from a numerical fault (a confident step flipped);
 * the baseline's top-1 margin at the first differing step can.
 */

export interface StepStats {
  baselineTop1: number;
  deviceTop1: number;
  /** Baseline's top-1 logit minus its runner-up. */
  margin: number;
  maxAbsError: number;
  /** maxAbsError over the largest |baseline logit| of the step: scale-free. */
  relError: number;
  cosine: number;
}

// the shapes below are declared once, their types derived; the report's schema holds them as they are (report-schema.ts)
const COUNT = Type.Integer({ minimum: 0 });
const NON_NEGATIVE = Type.Number({ minimum: 0 });
const FRACTION = Type.Number({ minimum: 0, maximum: 1 });

export const FIRST_DIVERGENCE = Type.Object(
  {
    /** Index in the token sequence (0 = first text token). */
    step: COUNT,
    baselineToken: Type.Integer(),
    deviceToken: OrNull(Type.Integer()),
    /** The baseline's top-1 margin at that step under teacher forcing. */
    margin: OrNull(Type.Number()),
    /** near-tie: margin within tolerance; numerical: a decisive step flipped. */
    cause: Enum(['near-tie', 'numerical', 'unknown']),
  },
  { additionalProperties: false },
);
export type FirstDivergence = Static<typeof FIRST_DIVERGENCE>;

export const CASE_TOKEN_PARITY = Type.Object(
  {
    id: Type.String(),
    steps: COUNT,
    top1Agreements: COUNT,
    decisiveSteps: COUNT,
    decisiveAgreements: COUNT,
    minMargin: Type.Number(),
    maxAbsError: NON_NEGATIVE,
    maxRelError: NON_NEGATIVE,
    minCosine: Type.Number({ minimum: -1.000001, maximum: 1.000001 }),
    /** First step where the device's own transcript left the baseline's tokens, null if it never did. */
    transcriptDivergence: OrNull(FIRST_DIVERGENCE),
  },
  { additionalProperties: false },
);
export type CaseTokenParity = Static<typeof CASE_TOKEN_PARITY>;

/** The corpus's token parity: the fields of a report's `tokenParity` beside `available` and `passed`. */
export const TOKEN_PARITY_SUMMARY = {
  cases: COUNT,
  steps: COUNT,
  top1Agreement: FRACTION,
  decisiveSteps: COUNT,
  decisiveTop1Agreement: FRACTION,
  minMargin: Type.Number(),
  maxAbsError: NON_NEGATIVE,
  maxRelError: NON_NEGATIVE,
  minCosine: Type.Number(),
  divergences: COUNT,
  nearTieDivergences: COUNT,
};
const TOKEN_PARITY_SUMMARY_OBJECT = Type.Object(TOKEN_PARITY_SUMMARY);
export type TokenParitySummary = Static<typeof TOKEN_PARITY_SUMMARY_OBJECT>;

function top2(v: Float32Array): [best: number, second: number] {
  let b = 0;
  let s = -1;
  for (let i = 1; i < v.length; i++) {
    if (v[i]! > v[b]!) {
      s = b;
      b = i;
    } else if (s < 0 || v[i]! > v[s]!) s = i;
  }
  return [b, s];
}

export function compareStep(base: Float32Array, dev: Float32Array): StepStats {
  if (base.length !== dev.length) throw new RangeError(`logit vectors of ${base.length} and ${dev.length} entries: the backends' vocabularies differ`);
  const [b1, b2] = top2(base);
  const [d1] = top2(dev);
  let maxAbs = 0;
  let scale = 0;
  let dot = 0;
  let nb = 0;
  let nd = 0;
  for (let i = 0; i < base.length; i++) {
    const x = base[i]!;
    const y = dev[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(x));
    dot += x * y;
    nb += x * x;
    nd += y * y;
  }
  // a zero vector has no direction: two of them agree, one against any other does not (0, as
  // scikit-learn's cosine_similarity gives), never 0/0 = NaN in a report
  const cosine = nb === 0 && nd === 0 ? 1 : nb === 0 || nd === 0 ? 0 : dot / Math.sqrt(nb * nd);
  return { baselineTop1: b1, deviceTop1: d1, margin: base[b1]! - (b2 >= 0 ? base[b2]! : -Infinity), maxAbsError: maxAbs, relError: scale === 0 ? maxAbs : maxAbs / scale, cosine };
}

/** Index of the first differing token, or null when one sequence equals the other. */
export function firstTokenDifference(a: readonly number[], b: readonly number[]): number | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return null;
}

/**
 * `baseLogits[k]` / `devLogits[k]`: logits predicting token k of `baselineTokens` (the last
 * step predicts end of text). `deviceTokens` is what the device decoded on its own.
 */
export function compareCase(id: string, baseLogits: readonly Float32Array[], devLogits: readonly Float32Array[], baselineTokens: readonly number[], deviceTokens: readonly number[], marginTolerance: number): CaseTokenParity {
  if (baseLogits.length !== devLogits.length) throw new RangeError(`${id}: ${baseLogits.length} baseline steps vs ${devLogits.length} device steps`);
  const steps = baseLogits.map((b, k) => compareStep(b, devLogits[k]!));
  const decisive = steps.filter((s) => s.margin > marginTolerance);
  const at = firstTokenDifference(baselineTokens, deviceTokens);
  let transcriptDivergence: FirstDivergence | null = null;
  if (at !== null) {
    const s = steps[at];
    transcriptDivergence = {
      step: at,
      baselineToken: baselineTokens[at] ?? -1,
      deviceToken: deviceTokens[at] ?? null,
      margin: s ? s.margin : null,
      cause: !s ? 'unknown' : s.margin <= marginTolerance ? 'near-tie' : 'numerical',
    };
  }
  return {
    id,
    steps: steps.length,
    top1Agreements: steps.filter((s) => s.baselineTop1 === s.deviceTop1).length,
    decisiveSteps: decisive.length,
    decisiveAgreements: decisive.filter((s) => s.baselineTop1 === s.deviceTop1).length,
    minMargin: Math.min(...steps.map((s) => s.margin)),
    maxAbsError: Math.max(0, ...steps.map((s) => s.maxAbsError)),
    maxRelError: Math.max(0, ...steps.map((s) => s.relError)),
    minCosine: Math.min(1, ...steps.map((s) => s.cosine)),
    transcriptDivergence,
  };
}

export function summarizeTokenParity(cases: readonly CaseTokenParity[]): TokenParitySummary {
  const sum = (f: (c: CaseTokenParity) => number) => cases.reduce((a, c) => a + f(c), 0);
  const steps = sum((c) => c.steps);
  const decisiveSteps = sum((c) => c.decisiveSteps);
  const divergent = cases.filter((c) => c.transcriptDivergence);
  return {
    cases: cases.length,
    steps,
    top1Agreement: steps ? sum((c) => c.top1Agreements) / steps : 1,
    decisiveSteps,
    // no decisive step means nothing to disagree on
    decisiveTop1Agreement: decisiveSteps ? sum((c) => c.decisiveAgreements) / decisiveSteps : 1,
    minMargin: Math.min(...cases.map((c) => c.minMargin)),
    maxAbsError: Math.max(0, ...cases.map((c) => c.maxAbsError)),
    maxRelError: Math.max(0, ...cases.map((c) => c.maxRelError)),
    minCosine: Math.min(1, ...cases.map((c) => c.minCosine)),
    divergences: divergent.length,
    nearTieDivergences: divergent.filter((c) => c.transcriptDivergence!.cause === 'near-tie').length,
  };
}
