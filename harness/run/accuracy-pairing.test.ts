import { describe, expect, it } from 'vitest';
import type { LoadedBackend } from '../../backends/types.ts';
import type { Case } from '../audio/manifest.ts';
import { loadConfig } from '../config/load-config.ts';
import { pairByCase, runAccuracy, type TranscribedRun } from './accuracy.ts';
import type { CaseTranscript } from './transcribe-cases.ts';

/**
 * Baseline and device results are paired by case id, not by position, and only when they are of
 * the same audio. The transcripts are given (no engine): pairing is what is under test, and a
 * backend's transcripts arrive in whatever order its run produced them.
 */
const thresholds = loadConfig().thresholds;
const c = (id: string, text: string, audio = `${id}.wav`): Case => ({ id, audio, text, kind: 'speech' });
const t = (kase: Case, text: string, duration = 2): CaseTranscript => ({ case: kase, duration, format: 'wav', result: { text, timings: { totalMs: 1 } } });
/** Transcripts handed over as a run: the loaded backend is never called (no forced logits, no transcribe). */
const run = (results: CaseTranscript[]): TranscribedRun => ({
  loaded: { loadMs: 0, transcribe: () => Promise.reject(new Error('not called')), describe: () => ({}), dispose: () => {} } satisfies LoadedBackend,
  results,
});
const cases = [c('a', 'one two three'), c('b', 'four five six'), c('c', 'seven eight nine')];
const baseline = cases.map((k) => t(k, k.text));

describe('baseline and device results are paired by case id', () => {
  it('a device run in another order is scored case against case: identical transcripts give 0 errors', async () => {
    const device = [...baseline].reverse().map((r) => t(r.case, r.result.text));
    const acc = await runAccuracy(run(baseline), run(device), { normalizer: 'basic', thresholds, tokenParity: false });
    for (const x of acc.cases) expect(x, `case ${x.id} must be scored against the device's transcript of ${x.id}, not the one at its position`).toMatchObject({ exact: true, wer: 0 });
    expect(acc.cases.map((x) => [x.id, x.deviceText])).toEqual(cases.map((k) => [k.id, k.text]));
    expect(acc.corpus.wer).toBe(0);
  });

  it('one differing case is attributed to its own id whatever the order', async () => {
    const device = [t(cases[2]!, 'seven eight nine'), t(cases[0]!, 'one two tree'), t(cases[1]!, 'four five six')];
    const acc = await runAccuracy(run(baseline), run(device), { normalizer: 'basic', thresholds, tokenParity: false });
    expect(acc.cases.filter((x) => !x.exact).map((x) => x.id), 'only case a differs').toEqual(['a']);
    expect(acc.corpus).toMatchObject({ substitutions: 1, deletions: 0, insertions: 0 });
  });

  it('a case the device did not transcribe is an error naming it', () => {
    expect(() => pairByCase(baseline, baseline.slice(0, 2))).toThrow(/no result for case c \(c\.wav\)/);
  });

  it('the same id over another audio file is an error naming both files', () => {
    const device = [baseline[0]!, baseline[1]!, t(c('c', 'seven eight nine', 'other.wav'), 'seven eight nine')];
    expect(() => pairByCase(baseline, device)).toThrow(/case c: the baseline transcribed c\.wav, the device other\.wav/);
  });

  it('the same file decoded to another length (changed between the runs) is an error', () => {
    const device = [baseline[0]!, baseline[1]!, t(cases[2]!, 'seven eight nine', 3)];
    expect(() => pairByCase(baseline, device)).toThrow(/case c: c\.wav decoded to 2 s for the baseline and 3 s for the device/);
  });

  it('a repeated device id, or a device case the baseline lacks, is an error naming the case', () => {
    expect(() => pairByCase(baseline, [...baseline, baseline[1]!])).toThrow(/device results repeat case b/);
    expect(() => pairByCase(baseline, [...baseline, t(c('d', 'x'), 'x'), t(c('e', 'y'), 'y')])).toThrow(/cases the baseline lacks: d, e$/);
  });
});
