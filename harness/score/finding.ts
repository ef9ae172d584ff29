import { Type, type Static } from '@sinclair/typebox';
import { Enum } from '../io/schema-types.ts';

/**
 * What the gate found, as a value (vitest's TestError idea): every failure of a check and every
 * reason behind a verdict. Renderers and the verdict filter on `kind`, `backend`, `case` and
 * `metric`; `message` is for people only and no code reads it back, so rewording a message
 * changes no CSV column, JUnit count or verdict.
 */
export const FINDING_KINDS = [
  // an accuracy check's failures (AccuracyResult.failures)
  'case-threshold', // one case's WER or CER over its maximum
  'corpus-threshold', // a corpus figure beyond its threshold
  'insufficient-evidence', // the observed value is within the threshold, its confidence bound is not
  'token-parity', // teacher-forced top-1 agreement on decisive steps below its minimum
  'wer-increase', // the device's WER against the reference text rose more than maxWerIncrease
  'teacher-forcing-error', // teacher forcing failed: the check could not be made
  'cases-not-compared', // cases a backend failed on (AccuracyResult.casesLeftOut), left out of every figure
  // the failure shapes of Whisper ports (failure-shapes.ts), each against the baseline on one case
  'repetition-loop', // the device's text compresses like a loop (whisper's compression-ratio rule), the baseline's does not
  'repeated-token-run', // one token repeated back to back, longer than the threshold and the baseline's
  'non-speech-text', // text on a non-speech probe where the baseline says nothing
  'non-finite-logits', // NaN/Inf in the device's teacher-forced logits
  'truncation', // far fewer words than the baseline, or the baseline's last words missing
  'attestation', // the backend ran on another device or dtype than the one configured, or printed a fallback warning
  // the invariance checks (invariance.ts), each against the baseline on one case
  'batch-variance', // batched with neighbours of other lengths, the device's tokens for a case differ from its tokens alone
  'chunked-disagreement', // decoded in chunks, the device's transcript differs from the baseline's beyond the per-case WER limit
  'language-mismatch', // the device identifies another language than the baseline, or gives the baseline's a probability far from its
  // the verdict's reasons (Report.verdictReasons)
  'under-load', // timed transcripts differ from the checked ones
  'not-run', // a required backend was skipped or failed
  'missing-result', // a required backend ran without a check's result
  'no-baseline', // the report holds no baseline: nothing was compared with anything
  'nothing-compared', // no device backend has every check's result (INCOMPLETE)
  'interrupted', // the run was stopped by a signal: never PASS
  'optional-not-run', // a note: changes nothing
  'point-only', // a note: passed on observed values, the bounds would not support it
  'passed', // what a device passed
  'not-comparable', // merged reports that differ in a field the merge was allowed to ignore
  'shards-missing', // shards of a split run, or cases assigned to one, absent from the merge (INCOMPLETE)
  'legacy', // read from a schema-2 report, where findings were sentences only
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** The figure a finding is about, as the thresholds name it. */
export const FINDING_METRICS = ['wer', 'cer', 'exactMatch', 'decisiveTop1Agreement', 'werIncrease', 'timedTranscripts', 'compressionRatio', 'tokenRun', 'nonFiniteLogits', 'lengthRatio', 'tailDeletions', 'languageProbability'] as const;
export type FindingMetric = (typeof FINDING_METRICS)[number];

/** A finding, declared once: its type is derived here, and the report's schema holds it as it is (report-schema.ts). */
export const FINDING = Type.Object(
  {
    kind: Enum(FINDING_KINDS),
    /** The backend it concerns; absent for an accuracy check's own failures (the backend holding them is theirs). */
    backend: Type.Optional(Type.String()),
    /** The case (its id); absent for a corpus-wide or backend-wide finding, so no case id can be mistaken for "corpus". */
    case: Type.Optional(Type.String({ description: 'the case id; absent for a corpus-wide or backend-wide finding' })),
    metric: Type.Optional(Enum(FINDING_METRICS)),
    observed: Type.Optional(Type.Number()),
    limit: Type.Optional(Type.Number()),
    message: Type.String(),
  },
  { description: 'what the gate found, as a value: code reads kind, backend, case and metric; message is for people only (harness/score/finding.ts)', additionalProperties: false },
);
export type Finding = Static<typeof FINDING>;
