import type { LoadedBackend } from '../../backends/types.ts';
import { loadAudio } from '../audio/load-audio.ts';
import type { GateThresholds } from '../config/load-config.ts';
import type { AccuracyResult, CaseResult, TokenParityResult } from '../report/report-types.ts';
import { formatAlignment } from '../score/align.ts';
import { evaluateGate } from '../score/gate.ts';
import { getNormalizer } from '../score/normalizers.ts';
import { compareCase, summarizeTokenParity, type CaseTokenParity } from '../score/token-parity.ts';
import type { CaseTranscript } from './transcribe-cases.ts';

export interface TranscribedRun {
  loaded: LoadedBackend;
  results: CaseTranscript[];
}

export interface AccuracyOptions {
  normalizer: 'none' | 'basic' | 'english';
  thresholds: GateThresholds;
  /** Teacher forcing needs both backends in memory; false skips it with that reason. */
  tokenParity?: boolean;
  progress?: (msg: string) => void;
}

function tokenParityUnavailable(baseline: TranscribedRun, device: TranscribedRun, wanted: boolean): string | undefined {
  if (!wanted) return 'not requested';
  if (!baseline.loaded.forcedLogits) return 'the baseline backend cannot decode with given tokens';
  if (!device.loaded.forcedLogits) return 'the device backend cannot decode with given tokens (external engines expose no logits)';
  if (baseline.results.some((r) => !r.result.tokens)) return 'the baseline backend returns no token ids';
  return undefined;
}

/**
 * Scores the device's transcripts against the baseline's (the baseline is the reference) and,
 * where both backends can be teacher-forced, compares their logits step by step on the
 * baseline's tokens.
 */
export async function runAccuracy(baseline: TranscribedRun, device: TranscribedRun, o: AccuracyOptions): Promise<AccuracyResult> {
  const normalize = getNormalizer(o.normalizer);
  const byId = new Map(device.results.map((r) => [r.case.id, r]));
  const pairs = baseline.results.map((b) => {
    const d = byId.get(b.case.id);
    if (!d) throw new RangeError(`device run has no result for case ${b.case.id}`);
    return { b, d };
  });
  const gate = evaluateGate(pairs.map(({ b, d }) => ({ id: b.case.id, baseline: b.result.text, device: d.result.text })), normalize, o.thresholds);

  const parity = new Map<string, CaseTokenParity>();
  const why = tokenParityUnavailable(baseline, device, o.tokenParity ?? true);
  if (!why) {
    for (const [i, { b, d }] of pairs.entries()) {
      o.progress?.(`token parity: ${i + 1}/${pairs.length} ${b.case.id}`);
      const audio = await loadAudio(b.case.audio);
      const forced = b.result.tokens!;
      const baseLogits = await baseline.loaded.forcedLogits!(audio, forced);
      const devLogits = await device.loaded.forcedLogits!(audio, forced);
      parity.set(b.case.id, compareCase(b.case.id, baseLogits, devLogits, forced, d.result.tokens ?? [], o.thresholds.marginTolerance));
    }
  }
  let tokenParity: TokenParityResult;
  const failures = [...gate.failures];
  if (why) tokenParity = { available: false, reason: why };
  else {
    const s = summarizeTokenParity([...parity.values()]);
    const passed = s.decisiveTop1Agreement >= o.thresholds.minTop1Agreement;
    if (!passed) failures.push(`corpus: teacher-forced top-1 agreement on decisive steps ${(100 * s.decisiveTop1Agreement).toFixed(2)}% < ${(100 * o.thresholds.minTop1Agreement).toFixed(2)}%`);
    tokenParity = { available: true, passed, ...s };
  }

  const cases: CaseResult[] = gate.cases.map((c, i) => {
    const { b, d } = pairs[i]!;
    return {
      id: c.id,
      kind: b.case.kind,
      audioSeconds: b.duration,
      baselineText: b.result.text,
      deviceText: d.result.text,
      wer: c.wer,
      cer: c.cer,
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
  return { passed: failures.length === 0, failures, normalizer: o.normalizer, thresholds: o.thresholds, corpus: gate.corpus, cases, tokenParity };
}
