import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realSpeechMissing, writeRealSpeech } from '../fixtures/real-speech.ts';
import { readReport } from '../harness/report/report-file.ts';
import { getNormalizer } from '../harness/score/normalizers.ts';
import { cliSession } from './helpers/cli-session.ts';
import { scliteCounts, scStatsMapsswe } from './helpers/sclite.ts';
import { describeUnless } from './helpers/visible-skip.ts';

/**
 * Real human speech (Debian's pocketsphinx-testdata, as a Kaldi data folder built here into
 * results/real-speech/) scored against its transcripts by a real engine with real errors:
 * PocketSphinx as the baseline, and PocketSphinx with its search pruned hard (a "port" that
 * trades accuracy for speed) as the device. The ground-truth path, the paired interval and the
 * sign test then run on recognition errors nobody planted. Counts are checked against NIST
 * sclite on the same normalized text; the figures are written to results/real-speech/figures.json
 * (the README quotes them).
 */
const OUT = resolve(import.meta.dirname, '../results/real-speech');
const missing = realSpeechMissing() ?? (process.platform === 'linux' ? undefined : 'PocketSphinx test data is a Debian package');
const { cli, config } = cliSession('asr-parity-real-speech-');

// a search pruned for speed: narrower beams and at most 1000 active HMMs a frame
const PRUNED = ['-beam', '1e-30', '-wbeam', '1e-20', '-pbeam', '1e-20', '-maxhmmpf', '1000'];

describeUnless(missing, 'real speech scored against its transcripts by PocketSphinx', () => {
  it('compare reads the Kaldi folder, scores both against the truth with sclite\'s counts, and bounds the difference', async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const utts = writeRealSpeech(join(OUT, 'corpus'));
    const cfg = config('real-speech.json', {
      baseline: { name: 'pocketsphinx', backend: 'pocketsphinx' },
      backends: [{ name: 'pocketsphinx-pruned', backend: 'pocketsphinx', command: { preset: 'pocketsphinx', args: ['-infile', '{audio}', '-logfn', '/dev/null', ...PRUNED] } }],
    });
    const report = join(OUT, 'report.json');
    const r = await cli('compare', '--config', cfg, '--backend', 'pocketsphinx-pruned', '--audio', join(OUT, 'corpus'), '--evidence', 'point', '--output', report, '--markdown', join(OUT, 'REPORT.md'));
    expect([0, 1], r.stderr).toContain(r.exitCode);
    const rep = await readReport(report);
    expect(rep.config.corpus?.format).toBe('kaldi');
    const device = rep.backends.find((b) => b.name === 'pocketsphinx-pruned')!;
    const truth = device.accuracy!.groundTruth!;
    expect(truth.utterances, 'every utterance carries its transcript').toBe(utts.length);
    const normalize = getNormalizer(truth.normalizer);
    const byId = new Map(device.accuracy!.cases.map((c) => [c.id, c]));
    const refs = utts.map((u) => normalize(u.text));
    const hypsOf = (side: 'baseline' | 'device') => utts.map((u) => normalize(side === 'baseline' ? byId.get(u.id)!.baselineText : byId.get(u.id)!.deviceText));
    for (const side of ['baseline', 'device'] as const) {
      const hyps = hypsOf(side);
      const s = await scliteCounts(refs, hyps);
      const ours = truth[side];
      expect({ words: ours.refWords, substitutions: ours.substitutions, deletions: ours.deletions, insertions: ours.insertions }, `${side} against the truth, vs sclite`).toEqual({ words: s.words, substitutions: s.substitutions, deletions: s.deletions, insertions: s.insertions });
    }
    // real recognition errors, not a planted one: the baseline itself is wrong somewhere
    expect(truth.baseline.wer, 'PocketSphinx makes errors on real speech').toBeGreaterThan(0);
    const d = truth.difference;
    expect(d.difference).toBeCloseTo(truth.device.wer - truth.baseline.wer, 12);
    expect(d.lower).toBeLessThanOrEqual(d.difference);
    expect(d.upper).toBeGreaterThanOrEqual(d.difference);
    const worse = truth.cases.filter((c) => c.device.substitutions + c.device.deletions + c.device.insertions > c.baseline.substitutions + c.baseline.deletions + c.baseline.insertions).length;
    expect(d.sign.worse).toBe(worse);
    // MAPSSWE on real recognition errors, as NIST sc_stats computes it (device as A, baseline as B)
    const words = (xs: string[]) => xs.map((x) => x.split(/\s+/).filter(Boolean));
    const sc = scStatsMapsswe(words(refs), words(hypsOf('device')), words(hypsOf('baseline')));
    expect(truth.mapsswe, 'a new report records MAPSSWE').toBeDefined();
    const mapsswe = truth.mapsswe!;
    expect({ segments: mapsswe.segments, errorsA: mapsswe.errorsA, errorsB: mapsswe.errorsB }).toEqual({ segments: sc.segments, errorsA: sc.errorsA, errorsB: sc.errorsB });
    expect(mapsswe.z).toBeCloseTo(sc.z, 3);
    const figures = {
      command: `asr-parity compare --config real-speech.json --backend pocketsphinx-pruned --audio results/real-speech/corpus --evidence point`,
      utterances: truth.utterances,
      words: truth.baseline.refWords,
      baseline: { wer: truth.baseline.wer, s: truth.baseline.substitutions, d: truth.baseline.deletions, i: truth.baseline.insertions },
      device: { wer: truth.device.wer, s: truth.device.substitutions, d: truth.device.deletions, i: truth.device.insertions },
      difference: d,
      mapsswe: truth.mapsswe,
      evidence: device.accuracy!.evidence,
    };
    writeFileSync(join(OUT, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(JSON.stringify(figures, null, 2));
    // PocketSphinx loads its language model per file: 24 runs took 8 min on a loaded 2-core machine
  }, 1_800_000);
});
