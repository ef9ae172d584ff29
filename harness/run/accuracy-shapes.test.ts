import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadedBackend } from '../../backends/types.ts';
import type { Case } from '../audio/manifest.ts';
import type { FailureShapeSettings } from '../config/load-config.ts';
import { loadConfig } from '../config/load-config.ts';
import { FIXTURE_DIR } from '../io/default-paths.ts';
import { runAccuracy, type TranscribedRun } from './accuracy.ts';
import type { CaseTranscript } from './transcribe-cases.ts';

/**
 * What an accuracy run hands the failure-shape detectors (harness/score/failure-shapes.ts): the
 * device's own tokens beside the baseline's, and the NaN/Inf count of the device's own forced
 * logits. Transcripts and logits are given by stand-in backends (no engine): the plumbing is what
 * is under test. Issue 24's fresh-eyes audit fed the detectors the baseline's tokens, or counted
 * the baseline's logits, and no test noticed.
 */
const thresholds = { ...loadConfig().thresholds, evidence: 'point' as const };
// config.schema.json's failureShapes defaults
const SHAPES: FailureShapeSettings = { maxCompressionRatio: 2.4, compressionRatioOverBaseline: 1.25, maxTokenRun: 16, nonSpeechKinds: ['silence', 'noise', 'tone', 'chord', 'sweep'], nonFiniteLogits: true, minLengthRatio: 0.5, maxTailDeletions: 3, minBaselineWords: 5, languageAgreement: true, maxLanguageProbabilityDiff: 0.1, fallbackWarnings: true };
const TEXT = 'the quick brown fox jumps over the lazy dog';
// a real fixture: teacher forcing decodes the case's audio before it asks for logits
const kase: Case = { id: 'speech-01', audio: join(FIXTURE_DIR, 'audio', 'speech-01.wav'), text: TEXT, kind: 'speech' };
const VOCAB = 8;
/** One row of logits per forced token, the token itself clearly on top; `poison` puts a NaN in the first row. */
const logits = (tokens: readonly number[], poison: boolean) =>
  tokens.map((tok, k) => {
    const row = new Float32Array(VOCAB);
    row[tok] = 10;
    if (poison && k === 0) row[(tok + 1) % VOCAB] = Number.NaN;
    return row;
  });
/** A stand-in backend: the transcript it is given, and forced logits as `logits` makes them. */
const run = (tokens: number[], poison: boolean): TranscribedRun => ({
  loaded: { loadMs: 0, transcribe: () => Promise.reject(new Error('not called')), forcedLogits: async (_audio, forced) => logits(forced, poison), describe: () => ({}), dispose: () => {} } satisfies LoadedBackend,
  results: [{ case: kase, duration: 2, format: 'wav', result: { text: TEXT, tokens, timings: { totalMs: 1 } } } satisfies CaseTranscript],
});
const kinds = (a: Awaited<ReturnType<typeof runAccuracy>>) => a.failures.map((f) => f.kind);

describe('the failure shapes see each side of the comparison', () => {
  it("a token run in the device's tokens (not the baseline's) fires repeated-token-run", async () => {
    const a = await runAccuracy(run([1, 2, 3], false), run([1, ...Array<number>(20).fill(5), 3], false), { normalizer: 'basic', thresholds, tokenParity: false, failureShapes: SHAPES });
    expect(kinds(a), "the device's 20 repeated tokens must reach the detector").toContain('repeated-token-run');
    const same = await runAccuracy(run([1, ...Array<number>(20).fill(5), 3], false), run([1, 2, 3], false), { normalizer: 'basic', thresholds, tokenParity: false, failureShapes: SHAPES });
    expect(kinds(same), "the baseline's run is not the device's failure").not.toContain('repeated-token-run');
  });

  it("NaN in the device's forced logits fires non-finite-logits; NaN in the baseline's does not", async () => {
    const tokens = [1, 2, 3];
    const dev = await runAccuracy(run(tokens, false), run(tokens, true), { normalizer: 'basic', thresholds, failureShapes: SHAPES });
    expect(dev.failures.find((f) => f.kind === 'non-finite-logits'), "the device's one NaN logit").toMatchObject({ case: 'speech-01', observed: 1 });
    const base = await runAccuracy(run(tokens, true), run(tokens, false), { normalizer: 'basic', thresholds, failureShapes: SHAPES });
    expect(kinds(base), "a NaN in the baseline's logits is not the device's").not.toContain('non-finite-logits');
  });
});
