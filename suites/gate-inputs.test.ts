import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARITY_MODELS } from '../fixtures/generate.ts';
import { readReport } from '../harness/report/report-file.ts';
import { cliSession, fixtureAudio as audio } from './helpers/cli-session.ts';

/**
 * What a gate run takes in, end to end through the CLI: cases and their identity (never two
 * with one id), values refused with what is allowed, --config honoured by every command, and
 * reports compared only when comparable. Which backends ran and the verdict: gate-verdict.test.ts.
 */
const { tmp, cli, config } = cliSession('asr-parity-inputs-');
// One CLI gate run that two tests read (the percent flag, the report refused for another model):
// run once, on first use, so either test also runs alone
const TONE_COMPARE = ['--audio', audio('tone-440hz.wav'), '--max-wer', '2.5%', '--evidence', 'point'];
let toneRunOnce: Promise<{ r: Awaited<ReturnType<typeof cli>>; out: string }> | undefined;
const toneRun = () =>
  (toneRunOnce ??= (async () => {
    const out = join(tmp, 'tone-fp16.json');
    return { r: await cli('compare', '--backend', 'cpu-fp16', ...TONE_COMPARE, '--output', out), out };
  })());

describe('reports that are not comparable are not compared silently', () => {
  it('report --baseline with another model is exit 2 naming the model hash, and works with --allow-mismatch', async () => {
    const a = (await toneRun()).out;
    const b = join(tmp, 'model-b.json');
    expect((await cli('compare', '--backend', 'cpu-fp16', '--model', PARITY_MODELS.fp32, ...TONE_COMPARE, '--output', b)).exitCode).toBe(0);
    const refused = await cli('report', '--input', a, '--baseline', b, '--output', join(tmp, 'cmp.md'));
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/model-b\.json: not comparable with .*tone-fp16\.json: cpu-fp16\.modelSha256 [0-9a-f]{64} vs [0-9a-f]{64}/);
    const allowed = await cli('report', '--input', a, '--baseline', b, '--output', join(tmp, 'cmp.md'), '--allow-mismatch');
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(readFileSync(join(tmp, 'cmp.md'), 'utf8')).toMatch(/not comparable \(allowed\): .*cpu-fp16\.modelSha256/);
  });
});

describe('case identity', () => {
  it('a.wav and a.flac (different audio) in one folder are two cases, found in subfolders too, bad files listed as skipped', async () => {
    const dir = join(tmp, 'takes');
    mkdirSync(join(dir, 'day2'), { recursive: true });
    copyFileSync(audio('speech-01.wav'), join(dir, 'a.wav'));
    execFileSync('flac', ['-s', '-f', '-o', join(dir, 'a.flac'), audio('speech-02.wav')]);
    copyFileSync(audio('speech-03.wav'), join(dir, 'day2', 'a.wav'));
    writeFileSync(join(dir, 'broken.wav'), 'RIFF....not audio');
    const out = join(tmp, 'takes.json');
    const r = await cli('compare', '--backend', 'cpu-fp16', '--audio', dir, '--evidence', 'point', '--output', out);
    expect(r.exitCode, r.stderr).toBe(0);
    const rep = readReport(out);
    const rows = rep.backends.find((b) => b.name === 'cpu-fp16')!.accuracy!.cases;
    expect(rows.map((c) => [c.id, c.audio])).toEqual([['a.flac', join(dir, 'a.flac')], ['a.wav', join(dir, 'a.wav')], ['day2/a.wav', join(dir, 'day2', 'a.wav')]]);
    // each row holds its own audio's transcript: the two takes say different sentences
    expect(new Set(rows.map((c) => c.baselineText)).size).toBe(3);
    expect(rep.inputs?.skipped).toEqual([{ path: join(dir, 'broken.wav'), reason: expect.stringMatching(/WAV/) }]);
    expect(r.stdout).toMatch(/skipped input .*broken\.wav/);
  });

  it('a manifest that repeats an id is exit 2 naming both lines', async () => {
    const m = join(tmp, 'dup.jsonl');
    writeFileSync(m, [audio('speech-01.wav'), audio('speech-02.wav'), audio('speech-03.wav')].map((a, i) => JSON.stringify({ id: i === 1 ? 'b' : 'a', audio: a })).join('\n'));
    const r = await cli('compare', '--backend', 'cpu-fp16', '--audio', m);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^asr-parity: .*dup\.jsonl:3: case id "a" is already used on line 1/);
  });
});

describe('bad values are refused with what is allowed', () => {
  const speech = audio('speech-01.wav');
  it.each([
    ['a WER threshold of 500%', ['compare', '--backend', 'cpu-fp16', '--audio', speech, '--max-wer', '5'], /--max-wer.*fraction between 0 and 1/],
    ['a language whisper does not know', ['transcribe', '--backend', 'cpu-fp16', '--audio', speech, '--language', 'klingon'], /language "klingon": not a language cpu-fp16 knows/],
    ['too few runs for the percentiles', ['eval-perf', '--num-runs', '1'], /--num-runs.*>= 5: fewer warm runs cannot bound even the median/],
    ['too few runs for a benchmark', ['benchmark', '--backend', 'cpu-fp16', '--audio', speech, '--num-runs', '3'], /--num-runs.*>= 5: fewer warm runs cannot bound even the median/],
    ['a device backend identical to the baseline', ['compare', '--backend', 'cpu-fp32', '--audio', speech], /is the baseline again/],
  ])('%s: exit 2', async (_what, args, message) => {
    const r = await cli(...args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('a config threshold outside [0, 1] is exit 2 naming the field', async () => {
    const r = await cli('--config', config('wer5.json', { backends: [{ backend: 'cpu-fp16' }], thresholds: { maxWer: 5 } }), 'eval-accuracy');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/wer5\.json: field \/thresholds\/maxWer must be <= 1/);
  });

  it('a percent is accepted where a rate is', async () => {
    const { r, out } = await toneRun();
    expect(r.exitCode, r.stderr).toBe(0);
    // not the shipped 1%: a flag that was ignored would not show
    expect(readReport(out).config.thresholds.maxWer).toBe(0.025);
  });
});

describe('--config is honoured by every command', () => {
  const missing = join(tmp, 'no-such-config.json');
  const speech = audio('speech-01.wav');
  const trn = join(tmp, 'one.trn');
  writeFileSync(trn, 'hello (u1)\n');
  it.each([
    ['transcribe', '--backend', 'cpu-fp16', '--audio', speech],
    ['chunked', '--backend', 'cpu-fp16', '--audio', speech],
    ['compare', '--backend', 'cpu-fp16', '--audio', speech],
    ['eval-accuracy'],
    ['eval-perf'],
    ['benchmark', '--backend', 'cpu-fp16', '--audio', speech],
    ['fuzz', '--backend', 'cpu-fp16', '--runs', '1'],
    ['soak', '--backend', 'cpu-fp16', '--runs', '1', '--cycles', '1'],
    ['report', '--input', trn],
    ['score', '--ref', trn, '--hyp', trn],
    ['normalize'],
    ['fixtures'],
    ['backends'],
  ])('%s with a missing config file: exit 2 naming it', async (...args) => {
    const r = await cli('--config', missing, ...args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(`asr-parity: ${missing}: config file not found (create it or pass --config; see asr-parity.config.json in the repository)`);
  });

  it("a config's command backend is what backends and transcribe see", async () => {
    const prog = join(tmp, 'echo-asr.sh');
    writeFileSync(prog, '#!/bin/sh\necho "hello from the config"\n');
    chmodSync(prog, 0o755);
    const cfg = config('cmd.json', { backends: [{ name: 'my-asr', backend: 'command', command: { program: prog, args: ['{audio}'], output: { format: 'text' } } }] });
    const b = await cli('--config', cfg, 'backends', '--json');
    expect(b.exitCode, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toContainEqual(expect.objectContaining({ name: 'my-asr', backend: 'command', role: 'device', required: true, ok: true }));
    const t = await cli('--config', cfg, 'transcribe', '--backend', 'my-asr', '--audio', speech);
    expect(t.exitCode, t.stderr).toBe(0);
    expect(t.stdout.trim()).toBe('hello from the config');
  });
});
