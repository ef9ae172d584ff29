import { mkdtempSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, PARITY_MODELS } from '../fixtures/generate.ts';
import { folderSha256 } from '../harness/checkpoint/hf-whisper-folder.ts';
import { hfFolderToGgml } from '../harness/checkpoint/convert-whisper.ts';
import { ggmlDifferences } from './helpers/ggml-differences.ts';

/**
 * The generated parity model in transformers' layout (fixtures/generated/models/parity-seed1-hf,
 * written by fixtures/generate.ts) against the ggml files written directly by the model builder:
 * `convert` must give back the same hparams, mel filters, vocabulary and tensors (f32 bit for
 * bit, f16 as the direct f16 file rounds them), from one file, from shards, from tokenizer.json;
 * and the whisper.cpp backends given the folder must transcribe as they do from the ggml file.
 */
const BIN = resolve(import.meta.dirname, '../bin/asr-parity.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-hf-'));
const HF = PARITY_MODELS.hfSeed1;

describe('an HF Whisper folder converts to the ggml the builder writes directly', () => {
  it('f32 (through the CLI): hparams, mel filters, vocabulary and every tensor bit-equal', async () => {
    const out = join(tmp, 'f32.bin');
    const r = await execa('node', [BIN, 'convert', '--model', HF, '--output', out, '--dtype', 'f32'], { reject: false, stdin: 'ignore' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ggml f32, 89 tensors/);
    expect(ggmlDifferences(PARITY_MODELS.fp32, out)).toEqual([]);
  });

  it('f16: the same tensors in f16 and f32 as the direct f16 file has them', () => {
    const out = join(tmp, 'f16.bin');
    hfFolderToGgml(HF, out, 'f16');
    expect(ggmlDifferences(PARITY_MODELS.fp16, out)).toEqual([]);
  });

  it('from shards (model.safetensors.index.json) and from tokenizer.json instead of vocab.json', () => {
    // two shards cut from the one file: each a valid safetensors file holding half the tensors
    const dir = join(tmp, 'sharded');
    mkdirSync(dir);
    const whole = readFileSync(join(HF, 'model.safetensors'));
    const n = Number(whole.readBigUInt64LE(0));
    const header = JSON.parse(whole.subarray(8, 8 + n).toString()) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    const shards = [names.slice(0, 40), names.slice(40)];
    const weightMap: Record<string, string> = {};
    shards.forEach((part, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      const h: Record<string, unknown> = {};
      const data: Buffer[] = [];
      let at = 0;
      for (const k of part) {
        const [b, e] = header[k]!.data_offsets;
        h[k] = { ...header[k], data_offsets: [at, at + e - b] };
        data.push(whole.subarray(8 + n + b, 8 + n + e));
        at += e - b;
        weightMap[k] = file;
      }
      const json = Buffer.from(JSON.stringify(h));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(json.length));
      writeFileSync(join(dir, file), Buffer.concat([len, json, ...data]));
    });
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    for (const f of ['config.json', 'preprocessor_config.json']) symlinkSync(join(HF, f), join(dir, f));
    // tokenizer.json: the byte-level BPE model's vocab and the added tokens, as tokenizers saves them
    const vocab = JSON.parse(readFileSync(join(HF, 'vocab.json'), 'utf8')) as Record<string, number>;
    const added = JSON.parse(readFileSync(join(HF, 'added_tokens.json'), 'utf8')) as Record<string, number>;
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'BPE', vocab, merges: [] }, added_tokens: Object.entries(added).map(([content, id]) => ({ id, content, special: true })) }));
    const out = join(tmp, 'sharded.bin');
    hfFolderToGgml(dir, out, 'f32');
    expect(readdirSync(dir)).not.toContain('model.safetensors');
    expect(ggmlDifferences(PARITY_MODELS.fp32, out)).toEqual([]);
  });
});

describe('the whisper.cpp backends take the HF folder as their model', () => {
  const cache = join(tmp, 'model-cache');
  const transcribe = (model: string, audio: string) =>
    execa('node', [BIN, 'transcribe', '--backend', 'cpu-fp32', '--model', model, '--audio', audio, '--json'], { reject: false, stdin: 'ignore', env: { ASR_PARITY_MODEL_CACHE: cache }, timeout: 180_000 });
  const ids = ['speech-01', 'passage-03', 'tone-440hz'];

  it.each(ids)('%s: the same text and tokens as from the ggml file; converted once, then reused', async (id) => {
    const wav = join(FIXTURE_DIR, 'audio', `${id}.wav`);
    const [fromGgml, fromHf] = [await transcribe(PARITY_MODELS.fp32, wav), await transcribe(HF, wav)];
    expect(fromGgml.exitCode, fromGgml.stderr).toBe(0);
    expect(fromHf.exitCode, fromHf.stderr).toBe(0);
    const [g, h] = [JSON.parse(fromGgml.stdout), JSON.parse(fromHf.stdout)];
    expect(h.tokens.length).toBeGreaterThan(0);
    expect({ text: h.text, tokens: h.tokens }).toEqual({ text: g.text, tokens: g.tokens });
    // the first case converts (one line saying so), the others find the cached file
    const converted = /converting the Hugging Face folder .* to ggml f32/.test(fromHf.stderr);
    expect(converted, id === ids[0] ? 'the first run did not say it converted the folder' : 'converted the folder again instead of reusing the cached file').toBe(id === ids[0]);
  });
});

describe('a gate run on the HF folder', () => {
  it('records the folder and its content hash as the model identity, for the baseline (f32) and the device (f16)', async () => {
    const out = join(tmp, 'report.json');
    const r = await execa('node', [BIN, 'compare', '--backend', 'cpu-fp16', '--baseline', 'cpu-fp32', '--model', HF, '--baseline-model', HF, '--audio', join(FIXTURE_DIR, 'audio', 'speech-02.wav'), '--evidence', 'point', '--output', out], {
      reject: false,
      stdin: 'ignore',
      env: { ASR_PARITY_MODEL_CACHE: join(tmp, 'gate-cache') },
      timeout: 300_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { backends: { name: string; environment: Record<string, unknown> }[] };
    const envs = report.backends.map((b) => b.environment);
    expect(envs).toHaveLength(2);
    const files = ['config.json', 'preprocessor_config.json', 'vocab.json', 'added_tokens.json', 'model.safetensors'].map((f) => join(HF, f));
    const expected = await folderSha256(files);
    for (const e of envs) expect({ modelPath: e.modelPath, modelSha256: e.modelSha256, modelFormat: e.modelFormat }).toEqual({ modelPath: HF, modelSha256: expected, modelFormat: 'hugging-face' });
    // each variant ran the folder in its own precision
    expect(envs.map((e) => e.modelFtype).sort()).toEqual([0, 1]);
  });
});
