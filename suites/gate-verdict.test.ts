import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport } from '../harness/report/report-file.ts';
import { cliSession, fixtureAudio as audio, lastLine } from './helpers/cli-session.ts';

/**
 * When the gate says PASS, did it check? End to end through the CLI: a required backend that
 * cannot run or crashes fails the gate with its reason, an optional one is named and changes
 * nothing, a crashing backend loses nobody else's results, a pass on too little evidence says
 * so. What a run takes in (cases, values, config, reports to compare): suites/gate-inputs.test.ts.
 */
const { tmp, cli, config } = cliSession('asr-parity-verdict-');
// these tests are about which backends ran, on a case or three: judged on the observed values,
// since so few cases cannot support the thresholds' bounds (that rule has its own test below)
const POINT = { evidence: 'point' };
describe('a required backend that cannot run fails the gate; an optional one does not', () => {
  // a backend that cannot run on any machine (its program does not exist), so these tests run
  // everywhere: a CUDA backend would run, and show nothing, where a GPU is (issue 24)
  const port = { name: 'npu-port', backend: 'worker', command: ['./no-such-engine'] };
  const required = config('required.json', { backends: [{ backend: 'cpu-fp16' }, port], thresholds: POINT });
  const optional = config('optional.json', { backends: [{ backend: 'cpu-fp16' }, { ...port, optional: true }], thresholds: POINT });
  const NOT_FOUND = 'worker program not found or not executable: .*no-such-engine';

  it('eval-accuracy: exit 1, the reason in the verdict line and in the report', async () => {
    const out = join(tmp, 'req-acc.json');
    const r = await cli('--config', required, 'eval-accuracy', '--num-test-cases', '1', '--output', out);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(lastLine(r.stdout)).toMatch(new RegExp(`^verdict: FAIL; npu-port not run: ${NOT_FOUND}`));
    const rep = readReport(out);
    expect(rep.verdict).toBe('fail');
    expect(rep.verdictReasons.map((r) => r.message)).toContainEqual(expect.stringMatching(new RegExp(`^npu-port \\(required\\) did not run: ${NOT_FOUND}`)));
    expect(rep.backends.find((b) => b.name === 'cpu-fp16')!.accuracy!.passed).toBe(true);
  });

  it('compare and eval-perf: exit 1 the same way', async () => {
    const c = await cli('--config', required, 'compare', '--backend', 'npu-port', '--audio', audio('tone-440hz.wav'), '--output', join(tmp, 'req-cmp.json'));
    expect(c.exitCode, c.stderr).toBe(1);
    expect(lastLine(c.stdout)).toMatch(new RegExp(`^verdict: FAIL; npu-port not run: ${NOT_FOUND}`));
    const p = await cli('--config', config('perf-req.json', { backends: [port] }), 'eval-perf', '--duration', '1', '--output', join(tmp, 'req-perf.json'));
    expect(p.exitCode, p.stderr).toBe(1);
    expect(lastLine(p.stdout)).toMatch(new RegExp(`^verdict: FAIL; npu-port not run: ${NOT_FOUND}`));
    expect(readReport(join(tmp, 'req-perf.json')).backends[0]!.performance!.latencyMs.runs).toBe(10);
  });

  it('marked optional: exit 0, and the report says "not run" with the reason', async () => {
    const out = join(tmp, 'opt.json');
    const md = join(tmp, 'opt.md');
    const r = await cli('--config', optional, 'eval-accuracy', '--num-test-cases', '1', '--output', out, '--markdown', md);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(lastLine(r.stdout)).toMatch(new RegExp(`^verdict: PASS \\(on observed values only: too few samples for the confidence bounds, see the report\\); npu-port not run \\(optional\\): ${NOT_FOUND}`));
    expect(readReport(out).verdictReasons.map((r) => r.message)).toContainEqual(expect.stringMatching(new RegExp(`^npu-port \\(optional\\) not run: ${NOT_FOUND}`)));
    expect(readFileSync(md, 'utf8')).toMatch(new RegExp(`npu-port \\(optional\\) not run: ${NOT_FOUND}`));
  });

  it('a wrong model path on the only device backend is a FAIL, not "incomplete" with exit 0', async () => {
    const r = await cli('--config', config('bad-model.json', { backends: [{ backend: 'cpu-fp16', model: join(tmp, 'no-such-model.bin') }], thresholds: POINT }), 'eval-accuracy', '--num-test-cases', '1', '--output', join(tmp, 'bad-model.json.out'));
    expect(r.exitCode, r.stderr).toBe(1);
    expect(lastLine(r.stdout)).toMatch(/^verdict: FAIL; cpu-fp16 not run: model not found: .*no-such-model\.bin/);
  });

  it('no device backend compared at all is INCOMPLETE, exit 1', async () => {
    const r = await cli('--config', config('none.json', { backends: [{ backend: 'cpu-fp16', optional: true, model: join(tmp, 'absent.bin') }] }), 'eval-accuracy', '--num-test-cases', '1', '--output', join(tmp, 'none.out.json'));
    expect(r.exitCode, r.stderr).toBe(1);
    expect(lastLine(r.stdout)).toMatch(/^verdict: INCOMPLETE/);
  });
});

describe('a claim the data cannot support', () => {
  it('three cases with zero errors: "insufficient evidence", exit 1 under "bound" (the default), exit 0 under "point"', async () => {
    const m = join(tmp, 'three.jsonl');
    writeFileSync(m, ['speech-01.wav', 'speech-02.wav', 'tone-440hz.wav'].map((f) => JSON.stringify({ audio: audio(f) })).join('\n'));
    const out = join(tmp, 'three.json');
    const bound = await cli('compare', '--backend', 'cpu-fp16', '--audio', m, '--output', out);
    expect(bound.exitCode, bound.stderr).toBe(1);
    expect(lastLine(bound.stdout)).toMatch(/^verdict: FAIL \(insufficient evidence/);
    expect(bound.stdout).toMatch(/insufficient evidence for WER < 1\.00%: its 95\.00% upper bound is [\d.]+% \(0 errors in \d+ words\); needs about \d+ more words without errors/);
    const a = readReport(out).backends.find((b) => b.name === 'cpu-fp16')!.accuracy!;
    expect(a.corpus.wer).toBe(0);
    expect(a.evidence.wer.sufficient).toBe(false);
    // the shipped config claims exact match >= 90%: 29 utterances without a mismatch at 95%
    expect(a.evidence.exactMatch.utterancesNeeded).toBe(29);
    const point = await cli('compare', '--backend', 'cpu-fp16', '--audio', m, '--evidence', 'point');
    expect(point.exitCode, point.stderr).toBe(0);
    // a pass on so few cases says what it rests on, in the verdict line and its reasons
    expect(lastLine(point.stdout)).toBe('verdict: PASS (on observed values only: too few samples for the confidence bounds, see the report)');
  });
});

describe('one backend failing loses nobody else\'s results', () => {
  it('a command backend that exits non-zero on every file, beside cpu-fp16: full cpu-fp16 results, the failure with its output, exit 1', async () => {
    const prog = join(tmp, 'broken-asr.sh');
    writeFileSync(prog, '#!/bin/sh\necho "device busy: cannot open /dev/npu0" >&2\nexit 3\n');
    chmodSync(prog, 0o755);
    const cfg = config('broken.json', { backends: [{ backend: 'cpu-fp16' }, { name: 'broken', backend: 'command', command: { program: prog, args: ['{audio}'], output: { format: 'text' } } }], thresholds: POINT });
    const out = join(tmp, 'broken-out.json');
    const md = join(tmp, 'broken-out.md');
    const r = await cli('--config', cfg, 'eval-accuracy', '--num-test-cases', '3', '--output', out, '--markdown', md);
    expect(r.exitCode, r.stderr).toBe(1);
    const rep = readReport(out);
    expect(rep.verdict).toBe('fail');
    const fp16 = rep.backends.find((b) => b.name === 'cpu-fp16')!;
    expect(fp16.status).toBe('ran');
    expect(fp16.accuracy!.cases).toHaveLength(3);
    expect(fp16.accuracy!.tokenParity.available).toBe(true);
    const broken = rep.backends.find((b) => b.name === 'broken')!;
    expect(broken.status).toBe('failed');
    expect(broken.reason).toMatch(/exited with 3 .*device busy: cannot open \/dev\/npu0/);
    expect(readFileSync(md, 'utf8')).toMatch(/broken \(required\) failed: .*device busy/);
  });
});

