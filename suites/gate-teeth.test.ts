import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cpuFp32 from '../backends/cpu-fp32.ts';
import type { LoadedBackend } from '../backends/types.ts';
import { MANIFEST, PARITY_MODELS } from '../fixtures/generate.ts';
import { readManifest } from '../harness/audio/manifest.ts';
import { loadConfig } from '../harness/config/load-config.ts';
import { assembleReport, configSummary } from '../harness/report/assemble-report.ts';
import { findRegressions } from '../harness/report/compare-reports.ts';
import { readReport, validateReport, writeReport } from '../harness/report/report-file.ts';
import { renderHtml } from '../harness/report/render-html.ts';
import { renderMarkdown } from '../harness/report/render-markdown.ts';
import type { AccuracyResult, BackendReport } from '../harness/report/report-types.ts';
import { runAccuracy, type TranscribedRun } from '../harness/run/accuracy.ts';
import { transcribeCases } from '../harness/run/transcribe-cases.ts';
import { getNormalizer } from '../harness/score/normalizers.ts';
import type { CaseTranscript } from '../harness/run/transcribe-cases.ts';
import { firstTokenDifference } from '../harness/score/token-parity.ts';
import { missingFromHtml } from './helpers/report-contents.ts';
import { scliteCounts } from './helpers/sclite.ts';

/**
 * The gate has teeth: the baseline's checkpoint against a model built from another seed (same
 * shapes, different word per band) must fail, with numbers an independent scorer agrees with.
 */
const cases = readManifest(MANIFEST).filter((c) => c.kind === 'speech').slice(0, 4);
const config = loadConfig();
let base: TranscribedRun;
let other: TranscribedRun;
let accuracy: AccuracyResult;

beforeAll(async () => {
  const run = async (model: string): Promise<TranscribedRun> => {
    const loaded: LoadedBackend = await cpuFp32.load({ model });
    return { loaded, results: await transcribeCases(loaded, cases, model, () => {}) };
  };
  base = await run(PARITY_MODELS.fp32);
  other = await run(PARITY_MODELS.otherSeedFp32);
  accuracy = await runAccuracy(base, other, { normalizer: 'basic', thresholds: config.thresholds });
});
afterAll(() => {
  base?.loaded.dispose();
  other?.loaded.dispose();
});

describe('the gate has teeth', () => {
  it('fails a backend whose transcripts differ, naming the cases', () => {
    expect(accuracy.passed).toBe(false);
    const differing = cases.filter((_, i) => base.results[i]!.result.text !== other.results[i]!.result.text).map((c) => c.id);
    expect(differing.length).toBeGreaterThan(0);
    for (const id of differing) expect(accuracy.failures.some((f) => f.case === id && f.metric === 'wer')).toBe(true);
    expect(accuracy.cases.filter((c) => !c.exact).map((c) => c.id)).toEqual(differing);
  });

  it('counts errors as NIST sclite does', async () => {
    const n = getNormalizer('basic');
    const theirs = await scliteCounts(
      base.results.map((r) => n(r.result.text)),
      other.results.map((r) => n(r.result.text)),
    );
    const k = accuracy.corpus;
    expect({ words: k.refWords, hits: k.hits, substitutions: k.substitutions, deletions: k.deletions, insertions: k.insertions }).toEqual(theirs);
    expect(k.wer).toBeCloseTo((theirs.substitutions! + theirs.deletions! + theirs.insertions!) / theirs.words!, 12);
  });

  it('attributes each divergence to its first differing token and that step\'s margin', () => {
    const tp = accuracy.tokenParity;
    expect(tp.available).toBe(true);
    if (!tp.available) return;
    expect(tp.passed).toBe(false);
    for (const [i, c] of accuracy.cases.entries()) {
      const at = firstTokenDifference(base.results[i]!.result.tokens!, other.results[i]!.result.tokens!);
      expect(c.tokenParity!.transcriptDivergence?.step ?? null).toBe(at);
      // another model's confident choice is a numerical difference, not a near-tie
      if (at !== null) expect(c.tokenParity!.transcriptDivergence!.cause).toBe('numerical');
    }
    expect(tp.divergences).toBe(accuracy.cases.filter((c) => !c.exact).length);
  });

  it('decisive agreement is a fraction of the decisive steps: never above them, never above the steps that agree', () => {
    const tp = accuracy.tokenParity;
    expect(tp.available).toBe(true);
    if (!tp.available) return;
    for (const c of accuracy.cases) {
      const p = c.tokenParity!;
      expect(p.decisiveAgreements, `${c.id}: decisiveAgreements counts only decisive steps`).toBeLessThanOrEqual(p.decisiveSteps);
      expect(p.decisiveAgreements, `${c.id}: decisive agreements are agreements`).toBeLessThanOrEqual(p.top1Agreements);
      // the steps a decisive count leaves out are the near-ties: top-1 agreements there are not decisive ones
      expect(p.top1Agreements - p.decisiveAgreements, `${c.id}: agreements outside the decisive steps`).toBeLessThanOrEqual(p.steps - p.decisiveSteps);
    }
    const sum = (f: (p: NonNullable<(typeof accuracy.cases)[number]['tokenParity']>) => number) => accuracy.cases.reduce((a, c) => a + f(c.tokenParity!), 0);
    expect(tp.decisiveTop1Agreement, 'decisiveTop1Agreement = decisive agreements / decisive steps').toBeCloseTo(sum((p) => p.decisiveAgreements) / sum((p) => p.decisiveSteps), 12);
    expect(tp.decisiveTop1Agreement).toBeLessThanOrEqual(1);
  });

  it('with a margin tolerance above every margin, no step is decisive, so none of the agreeing steps is a decisive agreement', async () => {
    const all = await runAccuracy(base, other, { normalizer: 'basic', thresholds: { ...config.thresholds, marginTolerance: Number.MAX_VALUE } });
    const tp = all.tokenParity;
    expect(tp.available).toBe(true);
    if (!tp.available) return;
    expect(all.cases.some((c) => c.tokenParity!.top1Agreements > 0), 'the two models agree on some steps (the prompt at least)').toBe(true);
    for (const c of all.cases) expect(c.tokenParity, `${c.id}: every step is a near-tie, so decisiveAgreements must be 0`).toMatchObject({ decisiveSteps: 0, decisiveAgreements: 0 });
    expect(tp.nearTieDivergences, 'every divergence is at a near-tie').toBe(tp.divergences);
  });

  it('a threshold changed in the config changes the verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asr-parity-teeth-'));
    const file = join(dir, 'loose.json');
    writeFileSync(file, JSON.stringify({ backends: [{ backend: 'cpu-fp16' }], thresholds: { maxWer: 1, maxCer: 1, minExactMatchRate: 0, minTop1Agreement: 0, evidence: 'point' } }));
    const loose = loadConfig(file);
    // rates are capped at 1 (100%): the cases that differ by less than that, so a looser config can pass them
    const keep = accuracy.cases.map((c, i) => (c.wer < 1 && c.cer < 1 ? i : -1)).filter((i) => i >= 0);
    expect(keep.some((i) => !accuracy.cases[i]!.exact), 'no differing case below 100% WER to relax').toBe(true);
    const pick = (r: TranscribedRun): TranscribedRun => ({ loaded: r.loaded, results: keep.map((i) => r.results[i]!) });
    const strict = await runAccuracy(pick(base), pick(other), { normalizer: 'basic', thresholds: config.thresholds, tokenParity: false });
    const relaxed = await runAccuracy(pick(base), pick(other), { normalizer: 'basic', thresholds: loose.thresholds, tokenParity: false });
    expect(strict.passed).toBe(false);
    expect(relaxed.passed).toBe(true);
    expect(relaxed.corpus).toEqual(strict.corpus);
  });
});

describe('reports from a failing gate', () => {
  const fragments = (): BackendReport[] => [
    { name: 'cpu-fp32', backend: 'cpu-fp32', device: 'cpu', precision: 'fp32', role: 'baseline', required: true, status: 'ran', environment: base.loaded.describe() },
    { name: 'other-seed', backend: 'cpu-fp32', device: 'cpu', precision: 'fp32', role: 'device', required: true, status: 'ran', environment: other.loaded.describe(), accuracy },
    { name: 'cann-fp16', backend: 'cann-fp16', device: 'npu', precision: 'fp16', role: 'device', required: false, status: 'skipped', reason: 'libascendcl.so not found' },
  ];

  it('validate against the schema and render both transcripts, the alignment and what could not be measured', async () => {
    const report = assembleReport({ config: await configSummary(config), checks: ['accuracy'], fragments: fragments() });
    validateReport(report, 'teeth');
    expect(report.verdict).toBe('fail');
    const md = renderMarkdown(report);
    expect(md).toMatch(/\*\*Verdict: FAIL\*\*/);
    const bad = accuracy.cases.find((c) => !c.exact)!;
    expect(md).toContain(`baseline: ${bad.baselineText}`);
    expect(md).toContain(`device:   ${bad.deviceText}`);
    expect(md).toContain(bad.alignment.split('\n')[0]!);
    expect(md).toMatch(/skipped: libascendcl\.so not found/);
    // a figure no backend could give gets no row, rather than a row of "not available"
    expect(md).not.toMatch(/\| device name \|/);
    // failures: one line per case with both rates and the first divergence, not a WER line and a CER line
    const line = `- ${bad.id}: WER ${(100 * bad.wer).toFixed(2)}%, CER ${(100 * bad.cer).toFixed(2)}%; first divergence `;
    expect(md.split('\n').filter((l) => l.startsWith(`- ${bad.id}: `))).toEqual([expect.stringContaining(line)]);
    expect(accuracy.failures.filter((f) => f.case === bad.id).length).toBeGreaterThan(0);
    // an accuracy-only report has no performance section at all
    expect(md).not.toMatch(/## Performance/);
    // the HTML holds everything the Markdown does: token parity, S/D/I, the logit-error and cosine columns (suites/report-contents.test.ts)
    expect(missingFromHtml(md, renderHtml(report, []))).toEqual([]);
  });

  it('are refused, naming the field, when broken; an earlier report survives a refused write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asr-parity-report-'));
    const good = assembleReport({ config: await configSummary(config), checks: ['accuracy'], fragments: fragments() });
    await writeReport(good, dir);
    const before = readFileSync(join(dir, 'report.json'), 'utf8');
    const broken = structuredClone(good);
    broken.backends[1]!.accuracy!.corpus.wer = -1;
    await expect(writeReport(broken, dir)).rejects.toThrow(/backends\/1\/accuracy\/corpus\/wer must be >= 0/);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(before);
    expect(readReport(join(dir, 'report.json')).verdict).toBe('fail');
  });

  it('flag regressions in WER and CER against an earlier report (latency: suites/cli.test.ts)', async () => {
    const now = assembleReport({ config: await configSummary(config), checks: ['accuracy'], fragments: fragments() });
    const earlier = structuredClone(now);
    const acc = earlier.backends.find((b) => b.name === 'other-seed')!.accuracy!;
    acc.corpus.wer /= 2;
    acc.corpus.cer /= 2;
    expect(findRegressions(earlier, now, 0.1).map((r) => r.metric)).toEqual(['corpus WER', 'corpus CER']);
    expect(findRegressions(now, now, 0.1)).toEqual([]);
  });
});

describe('against reference text, a model from another seed fails maxWerIncrease', () => {
  // The generated model says placeholder words, not English, so against the passages' real
  // sentences every model scores 100% WER and no difference could show. Here the truth is what
  // the seed-1 model says with every third word changed: the baseline is mostly right, and
  // another seed, wrong where its words differ, must be measurably worse.
  const passages = readManifest(MANIFEST).filter((c) => c.kind === 'passage').slice(0, 4);
  const truthOf = (seed1: string) => seed1.trim().split(/\s+/).map((w, i) => (i % 3 === 2 ? 'zzz' : w)).join(' ');
  let b: CaseTranscript[];
  let o: CaseTranscript[];
  let truth: string[];
  const withTruth = (r: TranscribedRun, rows: CaseTranscript[]): TranscribedRun => ({ loaded: r.loaded, results: rows.map((x, i) => ({ ...x, case: { ...x.case, text: truth[i]! } })) });

  beforeAll(async () => {
    b = await transcribeCases(base.loaded, passages, 'seed 1', () => {});
    o = await transcribeCases(other.loaded, passages, 'seed 2', () => {});
    truth = b.map((x) => truthOf(x.result.text));
  });

  it('scores both against the truth (counts as sclite counts them), and the difference with its interval and sign test fails the gate', async () => {
    const a = await runAccuracy(withTruth(base, b), withTruth(other, o), { normalizer: 'basic', thresholds: config.thresholds, tokenParity: false });
    const g = a.groundTruth!;
    expect(g.utterances).toBe(passages.length);
    const n = getNormalizer('basic');
    for (const [who, rows, score] of [['baseline', b, g.baseline], ['device', o, g.device]] as const) {
      const theirs = await scliteCounts(truth.map(n), rows.map((r) => n(r.result.text)));
      expect({ words: score.refWords, hits: score.hits, substitutions: score.substitutions, deletions: score.deletions, insertions: score.insertions }, who).toEqual(theirs);
    }
    expect(g.device.wer).toBeGreaterThan(g.baseline.wer);
    expect(g.difference.difference).toBeCloseTo(g.device.wer - g.baseline.wer, 12);
    expect(g.difference.upper).toBeGreaterThan(config.thresholds.maxWerIncrease);
    expect(g.difference.lower).toBeLessThanOrEqual(g.difference.difference);
    expect(g.difference.sign.worse + g.difference.sign.better + g.difference.sign.ties).toBe(passages.length);
    expect(a.failures.filter((f) => f.kind === 'wer-increase').map((f) => f.message)).toContainEqual(expect.stringMatching(/^corpus: WER against the reference text rose \+[\d.]+ points over the baseline's .*more than the 1\.00 points allowed$/));
    expect(g.cases.map((c) => c.id)).toEqual(passages.map((c) => c.id));
    const report = assembleReport({ config: await configSummary(config), checks: ['accuracy'], fragments: [
      { name: 'cpu-fp32', backend: 'cpu-fp32', device: 'cpu', precision: 'fp32', role: 'baseline', required: true, status: 'ran' },
      { name: 'other-seed', backend: 'cpu-fp32', device: 'cpu', precision: 'fp32', role: 'device', required: true, status: 'ran', accuracy: a },
    ] });
    validateReport(report, 'truth');
    const md = renderMarkdown(report);
    expect(md).toMatch(/Against the reference text \(4 cases with reference text, normalizer basic\):[\s\S]*\| other-seed \| WER [\d.]+%[\s\S]*Difference: device minus baseline \+/);
    // the HTML too: both sides against the truth, the interval and the sign test, and each case's reference beside its transcripts
    const html = renderHtml(report, []);
    expect(missingFromHtml(md, html)).toEqual([]);
    expect(missingFromHtml(md, html.replace(/<table class="ground-truth">[^]*?<\/table>/, '')), 'the comparison misses a dropped section').toContainEqual(expect.stringMatching(/^cell "against the reference": 1 in the Markdown, 0/));
  });

  it('the baseline against itself: no increase, no failure from it', async () => {
    const a = await runAccuracy(withTruth(base, b), withTruth(base, b), { normalizer: 'basic', thresholds: config.thresholds, tokenParity: false });
    expect(a.groundTruth!.difference).toMatchObject({ difference: 0, lower: 0, upper: 0 });
    expect(a.groundTruth!.baseline.wer).toBeGreaterThan(0);
    expect(a.failures.filter((f) => f.kind === 'wer-increase')).toEqual([]);
  });

  it('compare prints each backend against the truth and the difference, and the report carries them (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asr-parity-truth-'));
    const m = join(dir, 'truth.jsonl');
    writeFileSync(m, passages.map((c, i) => JSON.stringify({ id: c.id, audio: c.audio, text: truth[i] })).join('\n'));
    const out = join(dir, 'truth.json');
    const bin = resolve(import.meta.dirname, '../bin/asr-parity.mjs');
    const r = await execa('node', [bin, 'compare', '--backend', 'cpu-fp32', '--model', PARITY_MODELS.otherSeedFp32, '--baseline', 'cpu-fp32', '--audio', m, '--evidence', 'point', '--output', out], { reject: false, stdin: 'ignore' });
    expect(r.exitCode, r.stderr).toBe(1);
    // the engines disagree: per-case alignments on the terminal
    expect(r.stdout).toMatch(/FAIL passage-0\d/);
    expect(r.stdout).toMatch(/REF: .*\n.*HYP: /);
    expect(r.stdout).toMatch(/against the reference text \(4 cases with reference text, normalizer basic\): baseline WER [\d.]+% \(S=\d+ D=\d+ I=\d+ of \d+ words\), CER [\d.]+%; cpu-fp32-device WER [\d.]+%/);
    expect(r.stdout).toMatch(/device minus baseline \+[\d.]+ WER points, 95\.00% interval [-+][\d.]+ to \+[\d.]+ \(paired bootstrap over 4 utterances\); sign test: device worse in \d, better in \d, tied in \d, p = [\d.]+; MAPSSWE \(NIST sc_stats\): \d+ segments[^;]*; allowed at most \+1\.00/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^verdict: FAIL \(WER against the reference text rose more than maxWerIncrease, see the report\)/);
    const rep = readReport(out);
    expect(rep.verdict).toBe('fail');
    expect(rep.backends.map((x) => [x.name, x.role])).toEqual([['cpu-fp32', 'baseline'], ['cpu-fp32-device', 'device']]);
    expect(rep.backends[1]!.accuracy!.corpus.wer).toBeGreaterThan(0);
    const acc = rep.backends.find((x) => x.role === 'device')!.accuracy!;
    expect(acc.groundTruth!.device.wer).toBeGreaterThan(acc.groundTruth!.baseline.wer);
    expect(acc.failures.some((f) => f.kind === 'wer-increase')).toBe(true);
  });
});
