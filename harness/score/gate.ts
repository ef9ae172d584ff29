import type { GateThresholds } from '../config/load-config.ts';
import { scoreCorpus, scoreUtterance, type CorpusScore, type ScoreOptions, type UtteranceScore } from './error-rate.ts';
import { proportionLower, rateUpper, trialsNeededAtZero, type RateBound } from './confidence.ts';
import type { GroundTruth } from './ground-truth.ts';
import type { Finding } from './finding.ts';
import type { TokenParitySummary } from './token-parity.ts';
import { Type, type Static } from '@sinclair/typebox';
import { Enum } from '../io/schema-types.ts';

/**
 * The acceptance rule of the reference report, and the one place where a threshold is applied:
 * device transcripts must match the baseline's, WER and CER below their maxima per case and
 * corpus-wide, exact-match rate at least its minimum, and (where measured) teacher-forced top-1
 * agreement on decisive steps at least its minimum. The defaults live in the config schema.
 */
export type Thresholds = Pick<GateThresholds, 'maxWer' | 'maxCer' | 'minExactMatchRate'> & Partial<Pick<GateThresholds, 'evidence' | 'confidence' | 'maxWerIncrease'>>;

export interface RateEvidence extends RateBound {
  /** Whether the bound meets the threshold. */
  sufficient: boolean;
  /** Units needed in all, at zero errors, for the bound to meet the threshold; null when it already does or errors were seen. */
  unitsNeeded: number | null;
}

/** What the data supports about the corpus figures, at a confidence level. */
export interface Evidence {
  mode: 'bound' | 'point';
  confidence: number;
  wer: RateEvidence;
  cer: RateEvidence;
  exactMatch: { point: number; lower: number; matches: number; utterances: number; sufficient: boolean; utterancesNeeded: number | null };
}

export interface TranscriptScores {
  corpus: CorpusScore;
  cases: UtteranceScore[];
}

export interface PairedTranscript {
  id: string;
  baseline: string;
  device: string;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Scores each device transcript against the baseline's (the baseline is the reference) after normalising both. */
export function scoreTranscripts(pairs: readonly PairedTranscript[], normalize: (s: string) => string, opts: ScoreOptions = {}): TranscriptScores {
  const cases = pairs.map((p) => scoreUtterance(p.id, normalize(p.baseline), normalize(p.device), opts));
  return { corpus: scoreCorpus(cases), cases };
}

/** Whether teacher-forced agreement meets its threshold. */
export function tokenParityPasses(s: TokenParitySummary, t: Pick<GateThresholds, 'minTop1Agreement'>): boolean {
  return s.decisiveTop1Agreement >= t.minTop1Agreement;
}

function rateEvidence(items: { errors: number; units: number }[], max: number, confidence: number): RateEvidence {
  const b = rateUpper(items, confidence);
  const sufficient = b.upper < max;
  return { ...b, sufficient, unitsNeeded: sufficient || b.errors > 0 ? null : trialsNeededAtZero(max, confidence) };
}

/**
 * The corpus figures with their one-sided bounds: WER and CER from above (errors cluster in
 * utterances: an utterance bootstrap floored by Clopper-Pearson), the exact-match rate from
 * below (Clopper-Pearson over utterances). Valid at zero errors.
 */
export function evidenceOf(scores: TranscriptScores, t: Thresholds): Evidence {
  const confidence = t.confidence ?? 0.95;
  const { cases, corpus } = scores;
  const wer = rateEvidence(cases.map((c) => ({ errors: c.substitutions + c.deletions + c.insertions, units: c.refWords })), t.maxWer, confidence);
  const cer = rateEvidence(cases.map((c) => ({ errors: c.charErrors, units: c.refChars })), t.maxCer, confidence);
  const lower = proportionLower(corpus.exactMatches, corpus.utterances, confidence);
  const sufficient = lower >= t.minExactMatchRate;
  const allExact = corpus.exactMatches === corpus.utterances;
  return {
    mode: t.evidence ?? 'bound',
    confidence,
    wer,
    cer,
    exactMatch: { point: corpus.exactMatchRate, lower, matches: corpus.exactMatches, utterances: corpus.utterances, sufficient, utterancesNeeded: sufficient || !allExact ? null : trialsNeededAtZero(1 - t.minExactMatchRate, confidence) },
  };
}

/** Whether every corpus figure's bound meets its threshold: what the data alone supports. */
export function evidenceSupports(e: Record<'wer' | 'cer' | 'exactMatch', { sufficient: boolean }>): boolean {
  return e.wer.sufficient && e.cer.sufficient && e.exactMatch.sufficient;
}

function insufficient(what: string, metric: 'wer' | 'cer', e: RateEvidence, max: number, unit: string): Finding {
  const more = e.unitsNeeded === null ? 'fewer errors or more data' : `about ${e.unitsNeeded - e.units} more ${unit} without errors`;
  return { kind: 'insufficient-evidence', metric, observed: e.upper, limit: max, message: `corpus: insufficient evidence for ${what} < ${pct(max)}: its ${pct(e.confidence)} upper bound is ${pct(e.upper)} (${e.errors} errors in ${e.units} ${unit}); needs ${more}` };
}

/** Every threshold the scores miss, one finding per case and figure; none means the accuracy gate passes. */
export function gateFailures(scores: TranscriptScores, tokenParity: TokenParitySummary | undefined, t: Thresholds & Partial<Pick<GateThresholds, 'minTop1Agreement'>>, evidence: Evidence = evidenceOf(scores, t)): Finding[] {
  const { cases, corpus } = scores;
  const failures: Finding[] = [];
  for (const c of cases) {
    if (!(c.wer < t.maxWer)) failures.push({ kind: 'case-threshold', case: c.id, metric: 'wer', observed: c.wer, limit: t.maxWer, message: `${c.id}: WER ${pct(c.wer)} >= ${pct(t.maxWer)}` });
    if (!(c.cer < t.maxCer)) failures.push({ kind: 'case-threshold', case: c.id, metric: 'cer', observed: c.cer, limit: t.maxCer, message: `${c.id}: CER ${pct(c.cer)} >= ${pct(t.maxCer)}` });
  }
  if (!(corpus.wer < t.maxWer)) failures.push({ kind: 'corpus-threshold', metric: 'wer', observed: corpus.wer, limit: t.maxWer, message: `corpus: WER ${pct(corpus.wer)} >= ${pct(t.maxWer)}` });
  if (!(corpus.cer < t.maxCer)) failures.push({ kind: 'corpus-threshold', metric: 'cer', observed: corpus.cer, limit: t.maxCer, message: `corpus: CER ${pct(corpus.cer)} >= ${pct(t.maxCer)}` });
  if (!(corpus.exactMatchRate >= t.minExactMatchRate)) failures.push({ kind: 'corpus-threshold', metric: 'exactMatch', observed: corpus.exactMatchRate, limit: t.minExactMatchRate, message: `corpus: exact match ${pct(corpus.exactMatchRate)} < ${pct(t.minExactMatchRate)}` });
  // with 'bound', what the data cannot support fails too, even where every observed value passed
  if (evidence.mode === 'bound') {
    if (corpus.wer < t.maxWer && !evidence.wer.sufficient) failures.push(insufficient('WER', 'wer', evidence.wer, t.maxWer, 'words'));
    if (corpus.cer < t.maxCer && !evidence.cer.sufficient) failures.push(insufficient('CER', 'cer', evidence.cer, t.maxCer, 'characters'));
    const x = evidence.exactMatch;
    if (corpus.exactMatchRate >= t.minExactMatchRate && !x.sufficient) {
      failures.push({ kind: 'insufficient-evidence', metric: 'exactMatch', observed: x.lower, limit: t.minExactMatchRate, message: `corpus: insufficient evidence for exact match >= ${pct(t.minExactMatchRate)}: its ${pct(evidence.confidence)} lower bound is ${pct(x.lower)} (${x.matches} of ${x.utterances} utterances); needs ${x.utterancesNeeded === null ? 'fewer mismatches or more data' : `about ${x.utterancesNeeded - x.utterances} more utterances without a mismatch`}` });
    }
  }
  if (tokenParity && t.minTop1Agreement !== undefined && !tokenParityPasses(tokenParity, { minTop1Agreement: t.minTop1Agreement })) {
    failures.push({ kind: 'token-parity', metric: 'decisiveTop1Agreement', observed: tokenParity.decisiveTop1Agreement, limit: t.minTop1Agreement, message: `corpus: teacher-forced top-1 agreement on decisive steps ${pct(tokenParity.decisiveTop1Agreement)} < ${pct(t.minTop1Agreement)}` });
  }
  return failures;
}

/** Whether what was timed is what was checked: every timed call's transcript equals the accuracy path's for the same audio. */
export const UNDER_LOAD_CHECK = Type.Object(
  {
    /** The accuracy check's loaded backend (both checks ran), or one untimed transcription through the same path (performance only). */
    reference: Enum(['accuracy run', 'untimed run']),
    calls: Type.Integer({ minimum: 0 }),
    matching: Type.Integer({ minimum: 0 }),
    passed: Type.Boolean(),
    /** The first few timed calls that differ, with both texts. */
    differences: Type.Array(Type.Object({ call: Type.String(), text: Type.String(), referenceText: Type.String() }, { additionalProperties: false })),
  },
  { description: "timed calls' transcripts against the accuracy path's transcript of the same audio (MLPerf TEST01)", additionalProperties: false },
);
export type UnderLoadCheck = Static<typeof UNDER_LOAD_CHECK>;

/** A transcript as the under-load check compares it: text, and token ids where the engine gives them. */
export interface PlainTranscript {
  text: string;
  tokens?: number[];
}

const sameTranscript = (a: PlainTranscript, b: PlainTranscript) => a.text === b.text && JSON.stringify(a.tokens ?? null) === JSON.stringify(b.tokens ?? null);

/**
 * MLPerf's TEST01 idea: the fast path must be the checked path. Every timed call (the first
 * call, each warm run, the short clip) must give exactly the transcript, text and tokens, that
 * the accuracy path gives for the same audio; one difference fails.
 */
export function underLoadCheck(reference: { audio: PlainTranscript; short: PlainTranscript; source: UnderLoadCheck['reference'] }, timed: { audio: readonly PlainTranscript[]; short: PlainTranscript }): UnderLoadCheck {
  const calls = [...timed.audio.map((t, i) => ({ call: i === 0 ? 'first call' : `warm run ${i}`, t, ref: reference.audio })), { call: 'short clip', t: timed.short, ref: reference.short }];
  const differing = calls.filter((c) => !sameTranscript(c.t, c.ref));
  return {
    reference: reference.source,
    calls: calls.length,
    matching: calls.length - differing.length,
    passed: differing.length === 0,
    differences: differing.slice(0, 3).map((c) => ({ call: c.call, text: c.t.text, referenceText: c.ref.text })),
  };
}

/** The under-load failure of one backend; none when every timed call matched. */
export function underLoadFailure(u: UnderLoadCheck, backend: string): Finding | undefined {
  if (u.passed) return undefined;
  const d = u.differences[0]!;
  const cut = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
  const message = `${backend}: under performance load, ${u.calls - u.matching} of ${u.calls} timed transcripts differ from the ${u.reference === 'accuracy run' ? 'accuracy run' : 'untimed run'}'s for the same audio (${d.call}: ${cut(d.text)} vs ${cut(d.referenceText)}${d.text === d.referenceText ? ', same text, other tokens' : ''})`;
  return { kind: 'under-load', backend, metric: 'timedTranscripts', observed: u.matching, limit: u.calls, message };
}

const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)} points`;

/**
 * Non-inferiority against the reference text: the device's WER may exceed the baseline's by at
 * most `maxWerIncrease` (absolute). Under 'bound' the upper end of the paired interval decides,
 * under 'point' the observed difference.
 */
export function werIncreaseFailure(g: GroundTruth, t: Thresholds): Finding | undefined {
  if (t.maxWerIncrease === undefined) return undefined;
  const d = g.difference;
  const interval = `${pct(d.confidence)} interval ${points(d.lower)} to ${points(d.upper)}`;
  const judged = (t.evidence ?? 'bound') === 'bound' ? d.upper : d.difference;
  if (!(judged > t.maxWerIncrease)) return undefined;
  const message = `corpus: WER against the reference text rose ${points(d.difference)} over the baseline's (${pct(g.baseline.wer)} to ${pct(g.device.wer)}, ${interval}, ${g.utterances} utterances), more than the ${points(t.maxWerIncrease).slice(1)} allowed`;
  return { kind: 'wer-increase', metric: 'werIncrease', observed: judged, limit: t.maxWerIncrease, message };
}
