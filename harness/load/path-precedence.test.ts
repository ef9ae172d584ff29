import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defaultCpuLibrary } from '../../backends/whisper-cpp/engine/cpu-engine.ts';
import { PARITY_MODELS } from '../../fixtures/generate.ts';
import { resolveBackend } from './resolve-backend.ts';

/**
 * One precedence for model and library paths (README, "Paths: which one wins"): a command-line
 * flag, then the config entry, then the backend's environment variable, then its default. Which
 * path won shows in availability: a missing file is named in the reason.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const missing = (name: string) => join(tmpdir(), 'asr-parity-no-such-dir', name);
const saved = { model: process.env.ASR_PARITY_MODEL_FP16, library: process.env.ASR_PARITY_WHISPER_LIB };
afterEach(() => {
  for (const [k, v] of [['ASR_PARITY_MODEL_FP16', saved.model], ['ASR_PARITY_WHISPER_LIB', saved.library]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
const entry = (fields: Record<string, unknown> = {}) => ({ name: 'cpu-fp16', backend: 'cpu-fp16', ...fields });

describe('model and library paths: flag, then config entry, then environment, then default', () => {
  it('the config entry wins over the environment', async () => {
    process.env.ASR_PARITY_MODEL_FP16 = missing('env-model.bin');
    process.env.ASR_PARITY_WHISPER_LIB = missing('env-lib.so');
    const r = await resolveBackend(entry({ model: PARITY_MODELS.fp16, library: defaultCpuLibrary() }), 'test');
    expect(r.availability).toMatchObject({ ok: true });
  });

  it('the environment wins over the default', async () => {
    process.env.ASR_PARITY_MODEL_FP16 = missing('env-model.bin');
    expect((await resolveBackend(entry(), 'test')).availability).toEqual({ ok: false, reason: `model not found: ${missing('env-model.bin')}` });
    delete process.env.ASR_PARITY_MODEL_FP16;
    process.env.ASR_PARITY_WHISPER_LIB = missing('env-lib.so');
    expect((await resolveBackend(entry(), 'test')).availability).toEqual({ ok: false, reason: `library not found: ${missing('env-lib.so')}` });
  });

  it('a flag wins over the config entry', async () => {
    const r = await resolveBackend(entry({ model: missing('entry-model.bin') }), 'test', { model: PARITY_MODELS.fp16 });
    expect(r.availability).toMatchObject({ ok: true });
    expect(r.options.model).toBe(PARITY_MODELS.fp16);
  });

  it('with none of them, the default', async () => {
    delete process.env.ASR_PARITY_MODEL_FP16;
    delete process.env.ASR_PARITY_WHISPER_LIB;
    expect((await resolveBackend(entry(), 'test')).availability).toMatchObject({ ok: true, details: { library: defaultCpuLibrary() } });
  });
});

describe("a worker's model: a path where one exists, else a name the worker resolves (a hub id)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'asr-parity-hub-id-'));
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'models', 'm.bin'), 'a model file');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const origin = { file: join(dir, 'asr-parity.config.json'), dir, backendPaths: [], at: '/backends/0' };
  const worker = (model: string) => ({ name: 'w', backend: 'worker', command: ['/usr/bin/python3', join(ROOT, 'workers/torch/worker.py')], model, origin });

  it('an existing relative path is resolved against the config file\'s folder; a hub id, or a path that does not exist, is left as written', async () => {
    expect((await resolveBackend(worker('models/m.bin'), 'test')).options.model).toBe(join(dir, 'models', 'm.bin'));
    expect((await resolveBackend(worker('distil-whisper/distil-large-v3'), 'test')).options.model).toBe('distil-whisper/distil-large-v3');
    expect((await resolveBackend(worker('models/absent.bin'), 'test')).options.model).toBe('models/absent.bin');
  });

  it('the hub id reaches the worker as written: the PyTorch worker names exactly what it was given', async (ctx) => {
    if (!existsSync('/usr/bin/python3')) return ctx.skip('no /usr/bin/python3 (the PyTorch worker needs Debian\'s python3-torch)');
    const r = await resolveBackend(worker('distil-whisper/distil-large-v3'), 'test');
    const err = await r.backend.load(r.options).then(
      (b) => (b.dispose(), undefined),
      (e: unknown) => e,
    );
    // the torch engine has no hub access: it refuses the id, and its refusal shows the id it got
    expect(err).toMatchObject({ code: 'MODEL', input: 'distil-whisper/distil-large-v3' });
  });
});
