import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../backends/index.ts';
import { FIXTURE_DIR, PARITY_MODELS } from '../fixtures/generate.ts';
import { readReport } from '../harness/report/report-file.ts';
import { ggmlDifferences } from './helpers/ggml-differences.ts';
import { expectUnittestPasses } from './helpers/python-unittest.ts';
import { skipped } from './helpers/visible-skip.ts';

/**
 * The torch backends by name, through the CLI as a user runs them, on a transformers folder
 * written by workers/torch/export_hf.py (a writer independent of the project's TypeScript one):
 * the whole gate with token parity from both engines' teacher-forced logits, one model named once
 * serving both sides where both read it, and the folder transcribing exactly as its ggml twin.
 * In `npm run test:extended`: each run starts Python and torch, and bfloat16 is slow on these CPUs.
 */
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/asr-parity.mjs');
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, stdin: 'ignore' });
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-torch-'));
const folder = join(tmp, 'parity-hf');
const audio = join(tmp, 'audio');
const CLIPS = ['speech-01', 'speech-03', 'tone-440hz'];
const availability = await backends['torch-cpu-bf16']!.available();

if (!availability.ok) {
  describe('torch backends by name', () => {
    skipped('torch backends by name', `torch-cpu-bf16 cannot run here (${availability.reason})`);
  });
}

if (availability.ok) describe('torch backends by name', () => {
  beforeAll(() => {
    execFileSync('/usr/bin/python3', [join(ROOT, 'workers/torch/export_hf.py'), PARITY_MODELS.fp32, folder]);
    mkdirSync(audio);
    for (const c of CLIPS) copyFileSync(join(FIXTURE_DIR, 'audio', `${c}.wav`), join(audio, `${c}.wav`));
  }, 300_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("the PyTorch engine's unit tests pass: module tree, ggml and transformers readers, safetensors, export_hf, bad checkpoints", () => expectUnittestPasses(join(ROOT, 'workers/torch')));

  it('compare --backend torch-cpu-bf16 --baseline cpu-fp32 --model <transformers folder>: the whole gate, token parity from both engines\' logits', async () => {
    const out = join(tmp, 'bf16-vs-cpu.json');
    const r = await cli('compare', '--backend', 'torch-cpu-bf16', '--baseline', 'cpu-fp32', '--model', folder, '--audio', audio, '--output', out, '--evidence', 'point');
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const report = readReport(out);
    const [base, dev] = report.backends;
    expect(base).toMatchObject({ name: 'cpu-fp32', status: 'ran', environment: { engine: 'whisper.cpp' } });
    expect(dev).toMatchObject({ name: 'torch-cpu-bf16', status: 'ran', environment: { backend: 'torch-cpu-bf16', dtype: 'bfloat16', modelFormat: 'hugging-face', modelPath: folder } });
    expect(dev!.environment!.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    const tp = dev!.accuracy!.tokenParity;
    expect(tp.available, tp.available ? '' : tp.reason).toBe(true);
    if (tp.available) expect(tp.steps).toBeGreaterThan(CLIPS.length);
    expect(report.verdict, report.verdictReasons.map((r) => r.message).join('\n')).toBe('pass');
  });

  it('one model named once serves both sides where both read it: torch-cpu-fp32 as the baseline of torch-cpu-bf16 on one folder', async () => {
    const out = join(tmp, 'bf16-vs-fp32.json');
    const r = await cli('compare', '--backend', 'torch-cpu-bf16', '--baseline', 'torch-cpu-fp32', '--model', folder, '--audio', join(audio, 'speech-01.wav'), '--output', out, '--evidence', 'point');
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const [base, dev] = readReport(out).backends;
    expect(base!.environment).toMatchObject({ backend: 'torch-cpu-fp32', dtype: 'float32', modelPath: folder });
    expect(dev!.environment).toMatchObject({ backend: 'torch-cpu-bf16', dtype: 'bfloat16', modelPath: folder });
    expect(base!.environment!.modelSha256).toBe(dev!.environment!.modelSha256);
  });

  it('a ggml file the baseline cannot run at its precision is not forced on it: --model f16.bin leaves cpu-fp32 its own f32 model', async () => {
    const out = join(tmp, 'torch-f16-file.json');
    const r = await cli('compare', '--backend', 'torch-cpu-fp32', '--baseline', 'cpu-fp32', '--model', PARITY_MODELS.fp16, '--audio', join(audio, 'tone-440hz.wav'), '--output', out, '--evidence', 'point');
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const [base, dev] = readReport(out).backends;
    expect(base!.environment).toMatchObject({ modelPath: PARITY_MODELS.fp32, modelFtype: 0 });
    expect(dev!.environment).toMatchObject({ modelPath: PARITY_MODELS.fp16, modelFormat: 'ggml', modelFtype: 1 });
  });

  /** The folder and its ggml twin, transcribed by one backend: text and tokens of each, which must be equal. */
  const twinAndFolder = async (backend: string) => {
    const said = async (model: string) => {
      const r = await cli('transcribe', '--backend', backend, '--model', model, '--audio', join(audio, 'speech-03.wav'), '--json');
      expect(r.exitCode, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { text: string; tokens: number[] };
      return { text: j.text, tokens: j.tokens };
    };
    const [twin, hf] = [await said(PARITY_MODELS.fp32), await said(folder)];
    expect(twin.tokens.length).toBeGreaterThan(0);
    expect(hf).toEqual(twin);
  };

  it('the transformers folder transcribes exactly as its ggml twin on torch-cpu-fp32', () => twinAndFolder('torch-cpu-fp32'));

  // issue 20's first "done when": a folder written by someone else's script (export_hf.py, from
  // torch's own state_dict: not the project's TypeScript writer) on the whisper.cpp side, and back
  it('the export_hf.py folder transcribes exactly as its ggml twin on cpu-fp32, and convert gives the twin back', async () => {
    await twinAndFolder('cpu-fp32');
    const back = join(tmp, 'back-f32.bin');
    const r = await cli('convert', '--model', folder, '--output', back, '--dtype', 'f32');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(ggmlDifferences(PARITY_MODELS.fp32, back)).toEqual([]);
  });
});
