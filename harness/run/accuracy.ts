import type { Finding } from '../score/finding.ts';
import type { Attestation, LoadedBackend } from '../../backends/types.ts';
import { loadCaseAudio } from '../audio/case-audio.ts';
import type { FailureShapeSettings, GateThresholds, InvarianceSettings } from '../config/load-config.ts';
import { failureShapes } from '../score/failure-shapes.ts';
import { languageAgreement } from '../score/language-agreement.ts';
import { batchesOf, batchVariance, chunkedDisagreement } from '../score/invariance.ts';
import { transcribeInChunks } from './chunked-transcription.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import type { NormalizerName } from '../config/normalizer-names.ts';
import type { AccuracyResult, CaseFailure, CaseResult, TokenParityResult } from '../report/report-types.ts';
import { formatAlignment } from '../score/align.ts';
import { evidenceOf, gateFailures, scoreTranscripts, tokenParityPasses, werIncreaseFailure } from '../score/gate.ts';
import { DEFAULT_CER_SPACES, type CerSpaces } from '../score/error-rate.ts';
import { scoreAgainstReference } from '../score/ground-truth.ts';
import { getNormalizer } from '../score/normalizers.ts';
import { scoringConvention } from '../score/scoring-convention.ts';
import { compareCase, summarizeTokenParity, type CaseTokenParity, type TokenParitySummary } from '../score/token-parity.ts';
import { Interrupted, untilAborted } from '../io/until-aborted.ts';
import type { CaseTranscript } from './transcribe-cases.ts';

export interface TranscribedRun {
  loaded: LoadedBackend;
  results: CaseTranscript[];
}

export interface AccuracyOptions {
  normalizer: NormalizerName;
  /** CER convention (default exclude). */
  cerSpaces?: CerSpaces;
  thresholds: GateThresholds;
  /** Teacher forcing needs both backends in memory; false skips it with that reason. */
  tokenParity?: boolean;
  progress?: (msg: string) => void;
  /** Stops teacher forcing when the run is interrupted: token parity is then not measured, which is not a failure. */
  signal?: AbortSignal;
  /** Cases one side failed on: left out of every figure (the results hold only the cases both finished), named in the report, and a failure of the gate. */
  leftOut?: readonly CaseFailure[];
  /** The failure shapes' thresholds (config failureShapes); without them those checks are not made. */
  failureShapes?: FailureShapeSettings;
  /** The invariance checks (config invariance); without them none is made. */
  invariance?: InvarianceSettings;
}

/** One failure line for the cases left out: how many, which, on which side and why in short (the report has each in full). */
function leftOutFailure(leftOut: readonly CaseFailure[], compared: number): Finding | undefined {
  if (!leftOut.length) return undefined;
  const ids = new Set(leftOut.map((f) => f.case));
  const each = leftOut.map((f) => `${f.case} (${f.backend}: ${f.kind})`).join(', ');
  // corpus-wide: the cases themselves are in casesLeftOut, each with its backend, kind and reason
  return { kind: 'cases-not-compared', observed: ids.size, message: `${ids.size} case(s) not compared, left out of every figure (${compared} compared): ${each}` };
}

/** An accuracy result, and the error that stopped token parity part-way if one did: the scores are kept either way. */
export interface AccuracyRun {
  accuracy: AccuracyResult;
  error?: Error;
}

function tokenParityUnavailable(baseline: TranscribedRun, device: TranscribedRun, wanted: boolean): string | undefined {
  if (!wanted) return 'not requested';
  // a capability of this backend, not of a kind of backend: a worker that answers forced decoding has logits
  if (!baseline.loaded.forcedLogits) return 'the baseline backend offers no teacher-forced decoding (no forcedLogits capability)';
  if (!device.loaded.forcedLogits) return 'the device backend offers no teacher-forced decoding (no forcedLogits capability)';
  if (baseline.results.some((r) => !r.result.tokens)) return 'the baseline backend returns no token ids';
  return undefined;
}

type Pair = { b: CaseTranscript; d: CaseTranscript };

/** NaN/Inf values among a device's forced logits, by case (failure-shapes.ts). */
const nonFinite = (rows: readonly Float32Array[]) => rows.reduce((n, r) => n + r.reduce((m, x) => m + (Number.isFinite(x) ? 0 : 1), 0), 0);

/** Whether both sides identify language and the check is on (config failureShapes.languageAgreement): made on every case, then. */
const languageChecked = (baseline: TranscribedRun, device: TranscribedRun, o: AccuracyOptions) => Boolean(o.failureShapes?.languageAgreement && baseline.loaded.detectLanguage && device.loaded.detectLanguage);

/** Both sides' language identification on one case, compared. Asked right after that case's teacher forcing, so each side's first window is still encoded. */
async function languageOf(baseline: TranscribedRun, device: TranscribedRun, id: string, audio: Audio16k, o: AccuracyOptions, out: Finding[]): Promise<void> {
  if (!languageChecked(baseline, device, o)) return;
  const b = await untilAborted(baseline.loaded.detectLanguage!(audio), o.signal);
  const d = await untilAborted(device.loaded.detectLanguage!(audio), o.signal);
  out.push(...languageAgreement(id, b, d, o.failureShapes!));
}

/**
 * Each case longer than one chunk transcribed again in chunks on both sides (config
 * invariance.chunked), the chunked transcripts compared as the sequential ones are: what
 * chunked long-form decoding does to one stack and not the other.
 */
async function chunkedInvariance(baseline: TranscribedRun, device: TranscribedRun, pairs: Pair[], o: AccuracyOptions): Promise<Finding[]> {
  const inv = o.invariance;
  if (!inv?.chunked) return [];
  const out: Finding[] = [];
  const long = pairs.filter(({ b }) => b.duration > inv.chunkSeconds);
  for (const [i, { b }] of long.entries()) {
    const audio = await loadCaseAudio(b.case);
    const chunked = (run: TranscribedRun, side: string) => untilAborted(transcribeInChunks(run.loaded, audio, { label: `chunked ${i + 1}/${long.length} ${b.case.id} (${side})`, chunkLength: inv.chunkSeconds, batchSize: 1, progress: (m) => o.progress?.(m) }), o.signal);
    const bt = await chunked(baseline, 'baseline');
    const dt = await chunked(device, 'device');
    out.push(...chunkedDisagreement(b.case.id, bt.text, dt.text, { normalize: getNormalizer(o.normalizer), maxWer: o.thresholds.maxWer, cerSpaces: o.cerSpaces ?? DEFAULT_CER_SPACES, chunkSeconds: inv.chunkSeconds }));
  }
  return out;
}

/**
 * Where the device transcribes in batches (config invariance.batch): the cases in batches, in the
 * list's order so that neighbours of other lengths share one, each case's batched tokens against
 * its own transcript alone (the one the gate scored). Each case is in one batch: one call per batch.
 */
async function batchInvariance(device: TranscribedRun, pairs: Pair[], o: AccuracyOptions): Promise<Finding[]> {
  const inv = o.invariance;
  if (!inv?.batch || !device.loaded.transcribeBatch) return [];
  const out: Finding[] = [];
  const batches = batchesOf(pairs, inv.batchSize);
  if (batches.length === 1 && batches[0]!.length === 1) return [];
  for (const [i, batch] of batches.entries()) {
    o.progress?.(`batched: ${i + 1}/${batches.length} (${batch.length} cases)`);
    const audios = await Promise.all(batch.map(({ d }) => loadCaseAudio(d.case)));
    const results = await untilAborted(device.loaded.transcribeBatch(audios), o.signal);
    if (results.length !== batch.length) throw new RangeError(`a batch of ${batch.length} audios gave ${results.length} transcripts`);
    batch.forEach(({ d }, k) => {
      const neighbours = batch.filter((_, j) => j !== k).map((p) => p.d.case.id);
      out.push(...batchVariance(d.case.id, d.result.tokens ?? [], results[k]!.tokens ?? [], neighbours));
    });
  }
  return out;
}

async function forcedParity(baseline: TranscribedRun, device: TranscribedRun, pairs: Pair[], o: AccuracyOptions, nonFiniteLogits: Map<string, number>, language: Finding[]): Promise<Map<string, CaseTokenParity>> {
  const parity = new Map<string, CaseTokenParity>();
  for (const [i, { b, d }] of pairs.entries()) {
    o.progress?.(`token parity: ${i + 1}/${pairs.length} ${b.case.id}`);
    const audio = await loadCaseAudio(b.case);
    const forced = b.result.tokens!;
    const baseLogits = await untilAborted(baseline.loaded.forcedLogits!(audio, forced), o.signal);
    const devLogits = await untilAborted(device.loaded.forcedLogits!(audio, forced), o.signal);
    nonFiniteLogits.set(b.case.id, nonFinite(devLogits));
    parity.set(b.case.id, compareCase(b.case.id, baseLogits, devLogits, forced, d.result.tokens ?? [], o.thresholds.marginTolerance));
    await languageOf(baseline, device, b.case.id, audio, o, language);
  }
  return parity;
}

/**
 * Pairs each baseline result with the device's result for the same case id, whatever order either
 * run returned them in (a merged or cached run need not keep the case list's order). The pair must
 * be of the same audio: the same file and the same decoded length. A device result for a case the
 * baseline lacks, a repeated id, or a missing one is an error naming the case, never a silent skip.
 */
export function pairByCase(baseline: readonly CaseTranscript[], device: readonly CaseTranscript[]): Pair[] {
  const byId = new Map<string, CaseTranscript>();
  for (const r of device) {
    if (byId.has(r.case.id)) throw new RangeError(`device results repeat case ${r.case.id}`);
    byId.set(r.case.id, r);
  }
  const pairs = baseline.map((b) => {
    const d = byId.get(b.case.id);
    if (!d) throw new RangeError(`device run has no result for case ${b.case.id} (${b.case.audio})`);
    if (d.case.audio !== b.case.audio) throw new RangeError(`case ${b.case.id}: the baseline transcribed ${b.case.audio}, the device ${d.case.audio}`);
    if (d.duration !== b.duration) throw new RangeError(`case ${b.case.id}: ${b.case.audio} decoded to ${b.duration} s for the baseline and ${d.duration} s for the device`);
    return { b, d };
  });
  if (pairs.length !== byId.size) {
    const known = new Set(baseline.map((b) => b.case.id));
    throw new RangeError(`device run has results for cases the baseline lacks: ${[...byId.keys()].filter((id) => !known.has(id)).join(', ')}`);
  }
  return pairs;
}

/**
 * Scores the device's transcripts against the baseline's (the baseline is the reference) and,
 * where both backends can be teacher-forced, compares their logits step by step on the
 * baseline's tokens. Cases are paired by id, which the case list keeps unique.
 */
export async function runAccuracy(baseline: TranscribedRun, device: TranscribedRun, o: AccuracyOptions): Promise<AccuracyResult> {
  const r = await runAccuracyKeepingScores(baseline, device, o);
  if (r.error) throw r.error;
  return r.accuracy;
}

/** One compared case as the report keeps it: what a merge of shards scores again (harness/run/merge-shards.ts). */
export interface PairedCase {
  id: string;
  audio: string;
  kind: string;
  audioSeconds: number;
  audioFormat?: string;
  /** What was said; empty where the case does not carry it. */
  referenceText: string;
  baselineText: string;
  deviceText: string;
  /** For the failure shapes (failure-shapes.ts): each side's tokens, and NaN/Inf among the device's forced logits. */
  baselineTokens?: number[];
  deviceTokens?: number[];
  nonFiniteLogits?: number;
}

/** What teacher forcing gave: each case's comparison and their summary where it ran, the reason where not, the error that stopped it. */
export interface ForcedParity {
  parity: ReadonlyMap<string, CaseTokenParity>;
  summary: TokenParitySummary | undefined;
  tokenParity: TokenParityResult;
  error?: Error;
}

/**
 * Every corpus figure, bound, paired test and failure from the cases' transcripts: the one place
 * an AccuracyResult is made, for a run and for a merge of shards alike (so the merged figures are
 * the unsharded run's, never averages of the shards').
 */
export function scoreAccuracy(rows: readonly PairedCase[], forced: ForcedParity, o: Pick<AccuracyOptions, 'normalizer' | 'cerSpaces' | 'leftOut' | 'failureShapes'> & {
    thresholds: AccuracyResult['thresholds'];
    attestation?: readonly Attestation[];
    /** Findings made by asking both backends again (language identification, chunked decoding, batching), per case: kept as they are. */
    compared?: readonly Finding[];
  }): AccuracyResult {
  const normalize = getNormalizer(o.normalizer);
  const scores = scoreTranscripts(rows.map((r) => ({ id: r.id, baseline: r.baselineText, device: r.deviceText })), normalize, { cerSpaces: o.cerSpaces ?? DEFAULT_CER_SPACES });
  const { parity, summary, tokenParity, error } = forced;
  const evidence = evidenceOf(scores, o.thresholds);
  const groundTruth = scoreAgainstReference(rows.map((r) => ({ id: r.id, reference: r.referenceText, baseline: r.baselineText, device: r.deviceText })), normalize, o.normalizer, evidence.confidence);
  const worse = groundTruth && werIncreaseFailure(groundTruth, o.thresholds);
  const notCompared = leftOutFailure(o.leftOut ?? [], rows.length);
  const shapes = o.failureShapes
    ? scores.cases.flatMap((c, i) => {
        const r = rows[i]!;
        return failureShapes({ id: c.id, kind: r.kind, audioSeconds: r.audioSeconds, baselineText: r.baselineText, deviceText: r.deviceText, baselineTokens: r.baselineTokens, deviceTokens: r.deviceTokens, alignment: c.alignment, nonFiniteLogits: r.nonFiniteLogits }, o.failureShapes!);
      })
    : [];
  // a device that ran on something other than it was configured for measured something else: failed whatever its figures
  // (a fallback warning only where the failure shapes are checked and it is not switched off)
  const attested: Finding[] = (o.attestation ?? []).filter((a) => a.what !== 'fallback-warning' || o.failureShapes?.fallbackWarnings).map((a) => ({ kind: 'attestation', message: `attestation: ${a.message}` }));
  const failures = [...(notCompared ? [notCompared] : []), ...attested, ...gateFailures(scores, summary, o.thresholds, evidence), ...shapes, ...(o.compared ?? []), ...(worse ? [worse] : []), ...(error ? [{ kind: 'teacher-forcing-error' as const, message: `teacher forcing failed: ${error.message}` }] : [])];

  const cases: CaseResult[] = scores.cases.map((c, i) => {
    const r = rows[i]!;
    return {
      id: c.id,
      audio: r.audio,
      kind: r.kind,
      audioSeconds: r.audioSeconds,
      ...(r.audioFormat !== undefined ? { audioFormat: r.audioFormat } : {}),
      baselineText: r.baselineText,
      deviceText: r.deviceText,
      ...(r.referenceText.trim() ? { referenceText: r.referenceText } : {}),
      wer: c.wer,
      cer: c.cer,
      mer: c.mer,
      wil: c.wil,
      wip: c.wip,
      exact: c.exact,
      hits: c.hits,
      substitutions: c.substitutions,
      deletions: c.deletions,
      insertions: c.insertions,
      refWords: c.refWords,
      alignment: formatAlignment(c.alignment),
      tokenParity: parity.get(c.id) ?? null,
    };
  });
  return { passed: failures.length === 0, failures, normalizer: o.normalizer, scoring: scoringConvention(o.normalizer, o.cerSpaces ?? DEFAULT_CER_SPACES), thresholds: o.thresholds, corpus: scores.corpus, evidence, cases, tokenParity, ...(groundTruth ? { groundTruth } : {}), ...(o.leftOut?.length ? { casesLeftOut: [...o.leftOut] } : {}) };
}

/** As runAccuracy, but a failure during teacher forcing is returned beside the transcript scores instead of losing them. */
export async function runAccuracyKeepingScores(baseline: TranscribedRun, device: TranscribedRun, o: AccuracyOptions): Promise<AccuracyRun> {
  const pairs = pairByCase(baseline.results, device.results);

  let parity = new Map<string, CaseTokenParity>();
  let summary: TokenParitySummary | undefined;
  let tokenParity: TokenParityResult;
  let error: Error | undefined;
  const nonFiniteLogits = new Map<string, number>();
  const language: Finding[] = [];
  const why = tokenParityUnavailable(baseline, device, o.tokenParity ?? true);
  if (why) {
    tokenParity = { available: false, reason: why };
    // language identification without teacher forcing: each case on its own
    if (languageChecked(baseline, device, o)) for (const { b } of pairs) await languageOf(baseline, device, b.case.id, await loadCaseAudio(b.case), o, language);
  } else {
    try {
      parity = await forcedParity(baseline, device, pairs, o, nonFiniteLogits, language);
      summary = summarizeTokenParity([...parity.values()]);
      tokenParity = { available: true, passed: tokenParityPasses(summary, o.thresholds), ...summary };
    } catch (e) {
      if (e instanceof Interrupted) tokenParity = { available: false, reason: `not measured: ${e.message}` };
      else {
        error = e as Error;
        tokenParity = { available: false, reason: `failed during teacher forcing: ${error.message}` };
      }
    }
  }
  const invariance: Finding[] = [];
  // a check that could not be made fails as that check, not as teacher forcing
  const made = async (kind: Finding['kind'], what: string, check: () => Promise<Finding[]>) => {
    try {
      invariance.push(...(await check()));
    } catch (e) {
      if (!(e instanceof Interrupted)) invariance.push({ kind, message: `${what} failed: ${(e as Error).message}` });
    }
  };
  await made('chunked-disagreement', 'chunked decoding', () => chunkedInvariance(baseline, device, pairs, o));
  await made('batch-variance', 'batched transcription', () => batchInvariance(device, pairs, o));
  const rows = pairs.map(({ b, d }): PairedCase => ({ id: b.case.id, audio: b.case.audio, kind: b.case.kind, audioSeconds: b.duration, audioFormat: b.format, referenceText: b.case.text, baselineText: b.result.text, deviceText: d.result.text, baselineTokens: b.result.tokens, deviceTokens: d.result.tokens, nonFiniteLogits: nonFiniteLogits.get(b.case.id) }));
  const accuracy = scoreAccuracy(rows, { parity, summary, tokenParity, error }, { ...o, attestation: device.loaded.attestation?.() ?? [], compared: [...language, ...invariance] });
  return error ? { accuracy, error } : { accuracy };
}
