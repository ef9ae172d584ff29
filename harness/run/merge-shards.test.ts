import { describe, expect, it } from 'vitest';
import { ReportError } from '../errors.ts';
import { assembleReport } from '../report/assemble-report.ts';
import { latencyStats } from '../bench/latency-stats.ts';
import type { BackendReport, PerformanceResult, Report, ShardRecord } from '../report/report-types.ts';
import { scoreAccuracy, type PairedCase } from './accuracy.ts';
import { mergeShardReports } from './merge-shards.ts';
import { corpusIdsSha256, shardCases, shardRuns } from './shard-cases.ts';
import type { FailureShapeSettings } from '../config/load-config.ts';
import { summarizeTokenParity } from '../score/token-parity.ts';

/**
 * The merge of shards against the whole run, on per-case data scored by the run's own code: 40
 * utterances whose device transcripts carry errors in some cases only (uneven across shards,
 * so a mean of the shards' WERs, bounds or bootstrap intervals is not the corpus's). The merged
 * accuracy must equal the unsharded one field for field. Real engine runs through a real Slurm
 * array do the same end to end in suites/shards-slurm.test.ts (npm run test:extended).
 */
const thresholds = { maxWer: 0.05, maxCer: 0.05, minExactMatchRate: 0.5, minTop1Agreement: 0.999, marginTolerance: 0.5, evidence: 'bound' as const, confidence: 0.95, maxWerIncrease: 0.01 };
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
const rows: PairedCase[] = Array.from({ length: 40 }, (_, i) => {
  const ref = Array.from({ length: 4 + (i % 9) }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
  const words = ref.split(' ');
  // the device drops a word in every fifth case, substitutes one in every seventh; the baseline errs against the reference in every third
  const device = i % 5 === 0 ? words.slice(1) : i % 7 === 0 ? ['zulu', ...words.slice(1)] : words;
  const baseline = i % 3 === 0 ? [...words, 'uh'] : words;
  return { id: `utt-${String(i).padStart(2, '0')}`, audio: `audio/${i}.wav`, kind: 'speech', audioSeconds: 1 + (i % 4), audioFormat: 'wav/pcm16', referenceText: ref, baselineText: baseline.join(' '), deviceText: device.join(' ') };
});
// config.schema.json's failureShapes defaults
const SHAPES: FailureShapeSettings = { maxCompressionRatio: 2.4, compressionRatioOverBaseline: 1.25, maxTokenRun: 16, nonSpeechKinds: ['silence', 'noise', 'tone', 'chord', 'sweep'], nonFiniteLogits: true, minLengthRatio: 0.5, maxTailDeletions: 3, minBaselineWords: 5, languageAgreement: true, maxLanguageProbabilityDiff: 0.1, fallbackWarnings: true };
const notRequested = { parity: new Map(), summary: undefined, tokenParity: { available: false as const, reason: 'not requested' } };
const score = (r: readonly PairedCase[]) => scoreAccuracy(r, notRequested, { normalizer: 'basic', thresholds });

const entry = (role: BackendReport['role'], extra: Partial<BackendReport> = {}): BackendReport => ({ name: role === 'baseline' ? 'base' : 'dev', role, backend: 'cpu-fp16', device: 'cpu', precision: 'fp16', required: true, status: 'ran', environment: { modelSha256: `model-${role}` }, ...extra });
const report = (r: readonly PairedCase[], shard?: ShardRecord, device: Partial<BackendReport> = {}): Report =>
  assembleReport({
    config: { source: null, normalizer: 'basic', thresholds, baseline: 'base', fixtures: 'cases.jsonl', fixturesSha256: null },
    checks: ['accuracy'],
    fragments: [entry('baseline', { transcripts: r.map((x) => ({ case: x.id, audio: x.audio, text: x.baselineText })) }), entry('device', { accuracy: score(r), ...device })],
    environment: { cpu: 'cpu A', cpuCount: 2 },
    shard,
  });
const shards = (count: number) =>
  Array.from({ length: count }, (_, index) => {
    const s = shardCases(rows, { index, count, source: '--shard' });
    return { name: `shard-${index}.json`, report: report(s.cases, s.record) };
  });
const merged = (inputs: Parameters<typeof mergeShardReports>[0]) => {
  const out = mergeShardReports(inputs);
  expect(out).toHaveLength(1);
  return out[0]!.report;
};
const device = (r: Report) => r.backends.find((b) => b.role === 'device')!;

describe('merging shards', () => {
  const whole = report(rows);

  it('4 shards merge to the unsharded run: every case and every corpus figure, bound, paired test and failure equal', () => {
    const m = merged(shards(4));
    const dev = device(m).accuracy!;
    const ref = device(whole).accuracy!;
    // the corpus is uneven across shards: the test would not notice an average otherwise
    const perShard = shards(4).map((s) => device(s.report).accuracy!.corpus.wer);
    expect(new Set(perShard).size).toBeGreaterThan(1);
    expect(dev.cases.map((c) => c.id)).toEqual(rows.map((r) => r.id));
    expect(dev).toEqual(ref);
    // and everything else: every backend entry (the baseline's transcripts in corpus order), the verdict and its reasons
    expect(m.backends).toEqual(whole.backends);
    expect(m.verdict).toBe(whole.verdict);
    expect(m.verdictReasons).toEqual(whole.verdictReasons);
    expect(m.mergedShards).toEqual({ count: 4, found: [0, 1, 2, 3] });
  });

  it('the order the shard files come in changes nothing', () => {
    expect(device(merged(shards(3).reverse())).accuracy).toEqual(device(whole).accuracy);
  });

  it('a missing shard is named, its cases counted, and the gate is INCOMPLETE, not PASS', () => {
    const passing = rows.map((r) => ({ ...r, deviceText: r.baselineText }));
    const parts = Array.from({ length: 4 }, (_, index) => {
      const s = shardCases(passing, { index, count: 4, source: '--shard' });
      return { name: `shard-${index}.json`, report: report(s.cases, s.record) };
    });
    expect(merged(parts).verdict).toBe('pass');
    const m = merged(parts.filter((_, i) => i !== 2));
    expect(m.verdict).toBe('incomplete');
    const lost = parts[2]!.report.shard!.accuracy!.ids.length;
    expect(m.verdictReasons[0]).toMatchObject({ kind: 'shards-missing', observed: 1 });
    expect(m.verdictReasons[0]!.message).toBe(`shard(s) 2/4 missing from the merge: ${lost} of 40 cases not checked`);
    expect(m.mergedShards).toEqual({ count: 4, found: [0, 1, 3] });
  });

  it('cases a shard was assigned but has no result for are named (INCOMPLETE)', () => {
    const parts = shards(2);
    const s0 = parts[0]!.report;
    const acc = device(s0).accuracy!;
    const dropped = acc.cases[0]!.id;
    device(s0).accuracy = score(rows.filter((r) => s0.shard!.accuracy!.ids.includes(r.id) && r.id !== dropped));
    const m = merged(parts);
    expect(m.verdict).not.toBe('pass');
    expect(m.verdictReasons.find((f) => f.kind === 'shards-missing')?.message).toBe(`dev: 1 case(s) assigned to shard 0/2 have no result: ${dropped}`);
  });

  it('refuses (ReportError, naming the file): a shard of another model, another corpus, another shard count, one shard twice, a case in two shards', () => {
    const parts = shards(4);
    const s1 = parts[1]!;
    const otherModel = { name: 'other.json', report: report(rows.filter((r) => s1.report.shard!.accuracy!.ids.includes(r.id)), s1.report.shard, { environment: { modelSha256: 'another-model' } }) };
    expect(() => mergeShardReports([parts[0]!, otherModel, parts[2]!, parts[3]!])).toThrow(ReportError);
    expect(() => mergeShardReports([parts[0]!, otherModel])).toThrow(/other\.json: a shard of another run than shard-0\.json: dev\.modelSha256 another-model vs model-device/);

    const fewer = shardCases(rows.slice(1), { index: 1, count: 4, source: '--shard' });
    expect(() => mergeShardReports([parts[0]!, { name: 'edited.json', report: report(fewer.cases, fewer.record) }])).toThrow(/edited\.json: a shard of another corpus than shard-0\.json \(39 vs 40 cases/);

    const ofTwo = shards(2)[1]!;
    expect(() => mergeShardReports([parts[0]!, ofTwo])).toThrow(/shard-1\.json: is shard 1\/2, but shard-0\.json is of 4 shards/);

    expect(() => mergeShardReports([parts[0]!, parts[1]!, { ...parts[1]!, name: 'again.json' }])).toThrow(/again\.json: shard 1\/4 is given twice \(also shard-1\.json\)/);

    // shard 1's cases relabelled as shard 2: every one of them is then in two shards
    const relabelled = { name: 'relabelled.json', report: { ...parts[1]!.report, shard: { ...parts[1]!.report.shard!, index: 2 } } };
    expect(() => mergeShardReports([parts[1]!, relabelled])).toThrow(/relabelled\.json: case utt-\d+ is in two shards \(also shard-1\.json\)/);
  });

  const samples = [101, 97, 140, 99, 250, 103, 98, 120, 96, 180, 102, 99];
  const perf = (mine: number[], index: number): PerformanceResult => ({
    audioSeconds: 5,
    loadMs: 10 + index,
    firstCallMs: 300 + index,
    shortAudio: { audioSeconds: 2, latencyMs: 40, text: 'x' },
    latencyMs: latencyStats(mine),
    samplesMs: mine,
    rtf: 0,
    rtfx: 0,
    memory: { hostRssBeforeLoadBytes: 1, hostRssAfterLoadBytes: 2, hostRssAfterRunsBytes: 3 + index, hostPeakRssBytes: 4 + index, device: null },
    speedup: null,
    determinism: { runs: mine.length + 1, distinctOutputs: 1, deterministic: true },
  });
  const part = (index: number, over: Partial<PerformanceResult> = {}, totalRuns = samples.length): { name: string; report: Report } => {
    const { runs, record } = shardRuns(totalRuns, { index, count: 3, source: '--shard' });
    const mine = samples.filter((_, r) => r % 3 === index);
    if (totalRuns === samples.length) expect(mine).toHaveLength(runs);
    const fragment = (role: BackendReport['role']) => ({ ...entry(role), performance: { ...perf(mine, index), ...over } });
    return { name: `perf-${index}.json`, report: assembleReport({ config: { source: null, normalizer: 'basic', thresholds, baseline: 'base', fixtures: 'cases.jsonl', fixturesSha256: null }, checks: ['performance'], fragments: [fragment('baseline'), fragment('device')], environment: { cpu: 'cpu A', cpuCount: 2 }, shard: record }) };
  };
  it('performance shards: latency statistics from the union of the warm samples, never a mean of the shards\' percentiles', () => {
    const m = merged([part(2), part(0), part(1)]);
    const p = device(m).performance!;
    const pooled = [0, 1, 2].flatMap((i) => samples.filter((_, r) => r % 3 === i));
    expect(p.samplesMs).toEqual(pooled);
    expect(p.latencyMs).toEqual(latencyStats(pooled));
    expect(p.rtf).toBeCloseTo(latencyStats(pooled).mean / 1000 / 5, 12);
    // one first call and one load, as an unsharded run makes: the lowest shard's; memory: the largest
    expect([p.firstCallMs, p.loadMs, p.memory.hostPeakRssBytes]).toEqual([300, 10, 6]);
    expect(p.determinism).toEqual({ runs: samples.length + 3, distinctOutputs: 1, deterministic: true });
  });

  it("performance: one shard's non-determinism or under-load failure is the merge's; shards of another run total are refused", () => {
    const failing = { reference: 'untimed run' as const, calls: 4, matching: 3, passed: false, differences: [{ call: 'run 2', text: 'a', referenceText: 'b' }] };
    const passing = { ...failing, matching: 4, passed: true, differences: [] };
    const m = merged([part(0, { underLoad: passing }), part(1, { determinism: { runs: 5, distinctOutputs: 2, deterministic: false }, underLoad: passing }), part(2, { underLoad: failing })]);
    const p = device(m).performance!;
    expect(p.determinism.deterministic, 'shard 1 gave two outputs for one input').toBe(false);
    expect(p.determinism.distinctOutputs).toBe(2);
    expect(p.underLoad, "shard 2's timed transcripts differ from the checked ones").toEqual(failing);
    expect(() => mergeShardReports([part(0), part(1, {}, samples.length + 3)])).toThrow(/perf-1\.json: a shard of 15 warm runs, perf-0\.json of 12/);
  });

  it('reports that are not shards pass through untouched', () => {
    expect(mergeShardReports([{ name: 'a.json', report: whole }])[0]!.report).toBe(whole);
  });
});

// Issue 24's fresh-eyes audit: each of these breaks of the merge passed every test before.
describe('merging shards: what one shard alone found is never lost, and no other run slips in', () => {
  const ofShard = (r: Report) => rows.filter((x) => r.shard!.accuracy!.ids.includes(x.id));

  it('the LAST shard missing is named as any other (INCOMPLETE)', () => {
    const parts = shards(4);
    const m = merged(parts.slice(0, 3));
    expect(m.verdict).not.toBe('pass');
    expect(m.verdictReasons.find((f) => f.kind === 'shards-missing')?.message, 'shard 3/4 (the last) absent from the merge').toMatch(/^shard\(s\) 3\/4 missing from the merge/);
  });

  it('refuses a shard of another corpus with as many cases (one id renamed): the ids decide, not their count', () => {
    const parts = shards(4);
    const renamed = rows.map((r, i) => (i === 0 ? { ...r, id: 'utt-renamed' } : r));
    const s = shardCases(renamed, { index: 1, count: 4, source: '--shard' });
    expect(s.record.accuracy!.corpusCases).toBe(parts[0]!.report.shard!.accuracy!.corpusCases);
    expect(() => mergeShardReports([parts[0]!, { name: 'renamed.json', report: report(s.cases, s.record) }])).toThrow(/renamed\.json: a shard of another corpus than shard-0\.json/);
  });

  it('the corpus id hash separates ids: ["ab", "c"] is not ["a", "bc"]', () => {
    expect(corpusIdsSha256([{ id: 'ab' }, { id: 'c' }])).not.toBe(corpusIdsSha256([{ id: 'a' }, { id: 'bc' }]));
  });

  it('refuses a case scored in two shards even where the shard records assign it once', () => {
    const parts = shards(2);
    const s1 = parts[1]!.report;
    const stray = ofShard(parts[0]!.report)[0]!;
    // shard 1's report scores a case of shard 0 as well: it would count twice in every corpus figure
    device(s1).accuracy = score([...ofShard(s1), stray]);
    expect(() => mergeShardReports(parts)).toThrow(new RegExp(`shard-1\\.json: case ${stray.id} is in two shards \\(also shard-0\\.json\\)`));
  });

  it("a later shard's failed backend, failed cases, left-out cases and teacher-forcing error all reach the merged entry", () => {
    const parts = shards(3);
    const s2 = parts[2]!.report;
    const mine = ofShard(s2);
    const lost = mine[0]!;
    const leftOut = [{ kind: 'crash' as const, backend: 'dev', case: lost.id, audio: lost.audio, message: 'worker died' }];
    const acc = score(mine.slice(1));
    device(s2).accuracy = { ...scoreAccuracy(mine.slice(1), notRequested, { normalizer: 'basic', thresholds, leftOut }), failures: [...acc.failures, { kind: 'teacher-forcing-error', message: 'teacher forcing failed: boom' }], passed: false };
    Object.assign(device(s2), { status: 'failed', reason: 'restarted 3 times', failedCases: leftOut });
    const dev = device(merged(parts));
    expect(dev.status, "a shard's failed status wins over the others' ran").toBe('failed');
    expect(dev.reason).toBe('restarted 3 times');
    expect(dev.failedCases, "shard 2's failed cases").toEqual(leftOut);
    expect(dev.accuracy!.casesLeftOut, "shard 2's left-out cases").toEqual(leftOut);
    expect(dev.accuracy!.failures.find((f) => f.kind === 'teacher-forcing-error')?.message, "shard 2's teacher-forcing error").toMatch(/boom/);
    expect(dev.accuracy!.passed).toBe(false);
  });

  it('token parity unavailable in a later shard makes the merged token parity unavailable, with its reason', () => {
    const parts = shards(2);
    const acc0 = device(parts[0]!.report).accuracy!;
    acc0.tokenParity = { available: true, passed: true, ...summarizeTokenParity([]) };
    const t = device(merged(parts)).accuracy!.tokenParity;
    expect(t.available, 'shard 1 measured no token parity: the merge cannot claim it').toBe(false);
    expect(t.available === false && t.reason).toBe('not requested');
  });

  it("each failure shape a shard found stays in the merge and fails it (its tokens and logits are not in the report to find it again)", () => {
    const clean = rows.map((r) => ({ ...r, deviceText: r.baselineText }));
    const nan = clean[clean.length - 1]!.id;
    const withNan = clean.map((r) => (r.id === nan ? { ...r, nonFiniteLogits: 2 } : r));
    const truncated = clean.find((r) => r.baselineText.split(' ').length >= 8)!.id;
    const bad = withNan.map((r) => (r.id === truncated ? { ...r, deviceText: r.baselineText.split(' ')[0]! } : r));
    const shapeScore = (r: readonly PairedCase[]) => scoreAccuracy(r, notRequested, { normalizer: 'basic', thresholds, failureShapes: SHAPES });
    const partsOf = (corpus: readonly PairedCase[]) =>
      Array.from({ length: 4 }, (_, index) => {
        const s = shardCases(corpus, { index, count: 4, source: '--shard' });
        return { name: `shard-${index}.json`, report: report(s.cases, s.record, { accuracy: shapeScore(s.cases) }) };
      });
    const shapesOf = (r: Report) => device(r).accuracy!.failures.filter((f) => f.kind === 'non-finite-logits' || f.kind === 'truncation').map((f) => `${f.case} ${f.kind}`).sort();
    // NaN logits alone: every figure passes, the shape alone must fail the merged run
    const m1 = merged(partsOf(withNan));
    expect(shapesOf(m1)).toEqual([`${nan} non-finite-logits`]);
    expect(device(m1).accuracy!.passed, 'a shape finding kept, yet the merged accuracy passed').toBe(false);
    expect(m1.verdict).toBe('fail');
    const m2 = merged(partsOf(bad));
    expect(shapesOf(m2), 'the truncation a shard found is kept').toEqual([`${nan} non-finite-logits`, `${truncated} truncation`].sort());
  });
});
