import { Type, type Static } from '@sinclair/typebox';
import { NORMALIZER_NAMES } from '../config/normalizer-names.ts';
import { Const, DefRef, Enum, OneOf, OrNull } from '../io/schema-types.ts';
import { FINDING } from '../score/finding.ts';
import { SCORING_CONVENTION } from '../score/scoring-convention.ts';
import { CASE_TOKEN_PARITY, TOKEN_PARITY_SUMMARY } from '../score/token-parity.ts';

/**
 * The accuracy sections of report.json, declared once: report-schema.ts gathers them into the
 * report's schema (reports/report.schema.json is written from it, `npm run schemas`) and
 * report-types.ts exports their types, derived here. A field exists in both or in neither. The
 * parts a lower layer produces as they are (Finding, CaseTokenParity, ScoringConvention) are
 * declared there, beside the code that makes them, and used here.
 * `DefRef(name, X)` is `#/$defs/<name>`: REPORT_DEFS in report-schema.ts holds each under its name.
 */

const COUNT = Type.Integer({ minimum: 0 });
const NON_NEGATIVE = Type.Number({ minimum: 0 });
const FRACTION = Type.Number({ minimum: 0, maximum: 1 });

/** The thresholds a check was judged with (the config's, defaults filled in; maxWerIncrease absent in reports made before it existed). */
export const THRESHOLDS = Type.Object(
  {
    maxWer: NON_NEGATIVE,
    maxCer: NON_NEGATIVE,
    minExactMatchRate: FRACTION,
    minTop1Agreement: FRACTION,
    marginTolerance: NON_NEGATIVE,
    evidence: Enum(['bound', 'point']),
    confidence: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
    maxWerIncrease: Type.Optional(NON_NEGATIVE),
  },
  { additionalProperties: false },
);

const EDIT_COUNTS = { hits: COUNT, substitutions: COUNT, deletions: COUNT, insertions: COUNT };

/** jiwer's MER, WIL and WIP (absent in reports made before they were recorded). */
const INFORMATION_MEASURES = { mer: Type.Optional(FRACTION), wil: Type.Optional(FRACTION), wip: Type.Optional(FRACTION) };

/** Corpus-wide figures (harness/score/error-rate.ts CorpusScore). */
export const CORPUS = Type.Object({
  ...EDIT_COUNTS,
  utterances: COUNT,
  refWords: COUNT,
  refChars: COUNT,
  charErrors: COUNT,
  wer: NON_NEGATIVE,
  cer: NON_NEGATIVE,
  exactMatches: COUNT,
  exactMatchRate: FRACTION,
  ...INFORMATION_MEASURES,
});

export const TOKEN_PARITY = OneOf([
  Type.Object({ available: Const(false), reason: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ available: Const(true), passed: Type.Boolean(), ...TOKEN_PARITY_SUMMARY }, { additionalProperties: false }),
]);

export const CASE = Type.Object({
  id: Type.String(),
  /** The audio file, so a row can always be traced to what was heard. */
  audio: Type.String({ minLength: 1, description: 'the audio file of the case' }),
  kind: Type.String(),
  audioSeconds: NON_NEGATIVE,
  audioFormat: Type.Optional(Type.String({ minLength: 1, description: 'what the decoder read: wav/pcm16, mp3, ogg/opus, mp4/aac (ffmpeg), ...' })),
  baselineText: Type.String(),
  deviceText: Type.String(),
  referenceText: Type.Optional(Type.String({ description: 'what was said, from the case list; absent where the case carries none (and in reports made before it was recorded)' })),
  wer: NON_NEGATIVE,
  cer: NON_NEGATIVE,
  ...INFORMATION_MEASURES,
  exact: Type.Boolean(),
  ...EDIT_COUNTS,
  refWords: COUNT,
  /** REF/HYP lines of the normalised texts. */
  alignment: Type.String(),
  tokenParity: OrNull(CASE_TOKEN_PARITY),
});

const NORMALIZER = Enum(NORMALIZER_NAMES);

export const RATE_EVIDENCE = Type.Object(
  {
    point: NON_NEGATIVE,
    upper: NON_NEGATIVE,
    confidence: Type.Optional(Type.Number()),
    errors: COUNT,
    units: COUNT,
    utterances: COUNT,
    method: Type.String(),
    sufficient: Type.Boolean(),
    unitsNeeded: OrNull(Type.Integer({ description: 'units needed in all (at zero errors) for the bound to meet the threshold; null if it already does' })),
  },
  { additionalProperties: false },
);

/** What the data supports: each corpus figure with its confidence bound, and whether it suffices (harness/score/gate.ts). */
export const EVIDENCE = Type.Object(
  {
    mode: Enum(['bound', 'point']),
    confidence: Type.Number(),
    wer: DefRef('rateEvidence', RATE_EVIDENCE),
    cer: DefRef('rateEvidence', RATE_EVIDENCE),
    exactMatch: Type.Object(
      {
        point: FRACTION,
        lower: FRACTION,
        matches: COUNT,
        utterances: COUNT,
        sufficient: Type.Boolean(),
        utterancesNeeded: OrNull(Type.Integer()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const TRUTH_COUNTS = Type.Object({ wer: NON_NEGATIVE, cer: NON_NEGATIVE, substitutions: COUNT, deletions: COUNT, insertions: COUNT }, { additionalProperties: false });

/** Both backends against the reference text, and the device-minus-baseline WER difference (harness/score/ground-truth.ts). */
export const GROUND_TRUTH = Type.Object(
  {
    utterances: COUNT,
    withoutReference: Type.Array(Type.String()),
    normalizer: Type.String(),
    baseline: DefRef('corpus', CORPUS),
    device: DefRef('corpus', CORPUS),
    difference: Type.Object(
      {
        difference: Type.Number(),
        lower: Type.Number(),
        upper: Type.Number(),
        confidence: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
        utterances: COUNT,
        units: COUNT,
        method: Type.String(),
        sign: Type.Object({ worse: COUNT, better: COUNT, ties: COUNT, pValue: FRACTION }, { additionalProperties: false }),
      },
      { additionalProperties: false },
    ),
    mapsswe: Type.Optional(
      Type.Object(
        {
          minGood: COUNT,
          segments: COUNT,
          errorsA: COUNT,
          errorsB: COUNT,
          refWords: COUNT,
          mean: Type.Number(),
          stdDev: Type.Number({ minimum: 0 }),
          z: Type.Number(),
          pValue: FRACTION,
          method: Type.String(),
        },
        { additionalProperties: false, description: "NIST MAPSSWE (sc_stats -t mapsswe) of the device (A) against the baseline (B): mean is the device's errors minus the baseline's per segment" },
      ),
    ),
    cases: Type.Array(
      Type.Object(
        { id: Type.String(), refWords: COUNT, baseline: DefRef('truthCounts', TRUTH_COUNTS), device: DefRef('truthCounts', TRUTH_COUNTS) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: "both backends scored against the cases' reference text, and the device-minus-baseline WER difference" },
);

/**
 * A case one backend could not transcribe; the run went on with the next case. `kind`: its
 * process died (`crash`), was killed past the call timeout (`timeout`) or for breaking the
 * protocol (`protocol`); it answered an error (`error`); or the case was never tried because the
 * backend could not be started again (`not-run`). `message` is for people only.
 */
export const CASE_FAILURE = Type.Object(
  {
    kind: Enum(['crash', 'timeout', 'protocol', 'error', 'not-run'], {
      description: 'crash: its process died; timeout: killed past the call timeout; protocol: killed for breaking the protocol; error: it answered an error; not-run: never tried, the backend could not be started again',
    }),
    /** The backend's name in the config (the report entry's `name`). */
    backend: Type.String({ minLength: 1 }),
    case: Type.String(),
    audio: Type.String(),
    message: Type.String(),
  },
  { description: 'a case one backend could not transcribe; the run went on with the next case', additionalProperties: false },
);

export const ACCURACY = Type.Object(
  {
    passed: Type.Boolean(),
    /** Every threshold missed, as values; none when passed. */
    failures: Type.Array(DefRef('finding', FINDING)),
    normalizer: NORMALIZER,
    scoring: Type.Optional(SCORING_CONVENTION),
    thresholds: DefRef('thresholds', THRESHOLDS),
    corpus: DefRef('corpus', CORPUS),
    cases: Type.Array(DefRef('case', CASE), { minItems: 1 }),
    tokenParity: DefRef('tokenParity', TOKEN_PARITY),
    evidence: DefRef('evidence', EVIDENCE),
    /** Where cases carry reference text. */
    groundTruth: Type.Optional(DefRef('groundTruth', GROUND_TRUTH)),
    casesLeftOut: Type.Optional(Type.Array(DefRef('caseFailure', CASE_FAILURE), { description: 'cases left out of every figure because one side failed on them; the gate fails when any is' })),
  },
  { additionalProperties: false },
);

/** The $defs these sections are referred to by. */
export const ACCURACY_DEFS = {
  thresholds: THRESHOLDS,
  corpus: CORPUS,
  tokenParity: TOKEN_PARITY,
  case: CASE,
  accuracy: ACCURACY,
  rateEvidence: RATE_EVIDENCE,
  evidence: EVIDENCE,
  truthCounts: TRUTH_COUNTS,
  groundTruth: GROUND_TRUTH,
  caseFailure: CASE_FAILURE,
  finding: FINDING,
};

export type AccuracyResult = Static<typeof ACCURACY>;
export type CaseResult = Static<typeof CASE>;
export type TokenParityResult = Static<typeof TOKEN_PARITY>;
export type CaseFailure = Static<typeof CASE_FAILURE>;
