import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cpuFp32 from '../../backends/cpu-fp32.ts';
import type { BackendOptions, LoadedBackend } from '../../backends/types.ts';
import { PARITY_MODELS } from '../../fixtures/generate.ts';
import { loadAudio } from '../audio/load-audio.ts';
import { encodeWav } from '../audio/wav.ts';
import { audioSha256, baselineIdentity, BaselineCacheStore } from './baseline-cache.ts';
import { withBaselineCache } from './cached-baseline.ts';

/**
 * The baseline cache's key, field by field: every field of the real baseline's self-description
 * (engine build, flags, version, threads, decoding flags, model hash...) and every load option
 * decides the key, so changing any one of them is a miss; where a file lies does not. And an entry
 * is found by the decoded samples, not the file's path: a file changed in place is a miss.
 */
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-cache-key-'));
const options: BackendOptions = { model: PARITY_MODELS.fp32 };
let real: LoadedBackend;
let described: Record<string, string | number | boolean>;
beforeAll(async () => {
  real = await cpuFp32.load(options);
  described = real.describe();
});
afterAll(() => real?.dispose());

/** The real backend, describing itself with `change` applied. */
const describing = (change: Record<string, string | number | boolean>): LoadedBackend => ({ ...real, describe: () => ({ ...described, ...change }) });
const other = (v: string | number | boolean) => (typeof v === 'string' ? `${v}-other` : typeof v === 'number' ? v + 1 : !v);
const transcript = { text: 'cached', timings: { totalMs: 1 } };
const AUDIO = 'a'.repeat(64);

/** An entry stored under the real baseline's key, then looked up under `identity`'s. */
function storedThenLooked(dir: string, identity: Awaited<ReturnType<typeof baselineIdentity>>, storedUnder: Awaited<ReturnType<typeof baselineIdentity>>) {
  new BaselineCacheStore(dir, storedUnder).put(AUDIO, 'run-1', transcript);
  return new BaselineCacheStore(dir, identity).get(AUDIO);
}

describe('the baseline cache key', () => {
  it('the same baseline finds its own entry', async () => {
    const id = await baselineIdentity('cpu-fp32', real, options);
    expect(storedThenLooked(join(tmp, 'same'), id, id)?.transcript.text).toBe('cached');
  });

  it('each field of the baseline\'s description (engine build, flags, threads, decoding flags...) is part of the key: changing any one is a miss', async () => {
    const stored = await baselineIdentity('cpu-fp32', real, options);
    const fields = Object.keys(described).filter((k) => !['library', 'modelPath', 'model'].includes(k));
    for (const f of ['engineBuild', 'engineBuildFlags', 'whisperVersion', 'threads', 'greedy', 'temperatureFallback', 'noTimestamps', 'language', 'modelSha256', 'precision']) expect(fields, 'the real baseline describes itself with this field').toContain(f);
    for (const [i, f] of fields.entries()) {
      const id = await baselineIdentity('cpu-fp32', describing({ [f]: other(described[f]!) }), options);
      expect(storedThenLooked(join(tmp, `describe-${i}`), id, stored), `describe().${f} changed, yet the cache returned the old entry`).toBeUndefined();
    }
  });

  it('each load option is part of the key, and the model file\'s contents are: changing any one is a miss', async () => {
    const stored = await baselineIdentity('cpu-fp32', real, options);
    for (const [name, o] of Object.entries({ threads: { ...options, threads: 1 }, language: { ...options, language: 'de' }, beamSize: { ...options, beamSize: 5 }, model: { ...options, model: PARITY_MODELS.otherSeedFp32 } } as Record<string, BackendOptions>)) {
      const id = await baselineIdentity('cpu-fp32', real, o);
      expect(storedThenLooked(join(tmp, `option-${name}`), id, stored), `option ${name} changed, yet the cache returned the old entry`).toBeUndefined();
    }
    expect(storedThenLooked(join(tmp, 'backend'), await baselineIdentity('cpu-fp16', real, options), stored), 'another backend name').toBeUndefined();
  });

  it('where the model file lies is not part of the key: the same bytes at another path find the entry', async () => {
    const copy = join(tmp, 'moved-model.bin');
    copyFileSync(PARITY_MODELS.fp32, copy);
    const stored = await baselineIdentity('cpu-fp32', real, options);
    const moved = await baselineIdentity('cpu-fp32', describing({ modelPath: copy, model: 'moved-model.bin' }), { ...options, model: copy });
    expect(storedThenLooked(join(tmp, 'moved'), moved, stored)?.transcript.text).toBe('cached');
  });
});

describe('the key\'s parts (survivors of the mutation run at 50cc7fe)', () => {
  it('the engine library\'s contents are in the key: its SHA-256, taken from where describe() says it lies', async () => {
    const id = await baselineIdentity('cpu-fp32', real, options);
    expect(id.librarySha256).toBe(createHash('sha256').update(readFileSync(String(described.library))).digest('hex'));
    expect(id.modelFileSha256).toBe(createHash('sha256').update(readFileSync(PARITY_MODELS.fp32)).digest('hex'));
  });

  it('a library or model that is not a file (absent, a folder, not named) hashes to null instead of failing', async () => {
    const id = await baselineIdentity('cpu-fp32', describing({ library: tmp, modelPath: join(tmp, 'absent.bin') }), { threads: 2 });
    expect(id).toMatchObject({ librarySha256: null, modelFileSha256: null });
    const { library: _l, modelPath: _m, ...rest } = described;
    const none = await baselineIdentity('cpu-fp32', { ...real, describe: () => rest }, {});
    expect(none).toMatchObject({ librarySha256: null, modelFileSha256: null });
  });

  it('an option given as an object is in the key by its JSON: another value is a miss, the same value a hit', async () => {
    const withWorker = (command: string[]) => baselineIdentity('cpu-fp32', real, { ...options, worker: { command } } as BackendOptions);
    const stored = await withWorker(['python3', 'a.py']);
    expect(stored['option.worker']).toBe('{"command":["python3","a.py"]}');
    expect(storedThenLooked(join(tmp, 'object-option-same'), await withWorker(['python3', 'a.py']), stored)?.transcript.text).toBe('cached');
    expect(storedThenLooked(join(tmp, 'object-option-other'), await withWorker(['python3', 'b.py']), stored), 'another object option').toBeUndefined();
    const unset = await baselineIdentity('cpu-fp32', real, { ...options, language: undefined });
    expect(Object.keys(unset), 'an option left undefined is not a field of the key').not.toContain('option.language');
  });

  it('the key does not depend on the order its fields were gathered in', async () => {
    const id = await baselineIdentity('cpu-fp32', real, options);
    const reversed = Object.fromEntries(Object.entries(id).reverse());
    expect(storedThenLooked(join(tmp, 'order'), reversed, id)?.transcript.text).toBe('cached');
  });
});

describe('the baseline cache is keyed by the decoded samples, not the file path', () => {
  it('a file changed in place is a miss; the same samples under another name are a hit', async () => {
    const calls = { transcribe: 0, forcedLogits: 0 };
    const counted: LoadedBackend = {
      ...real,
      transcribe: (a) => (calls.transcribe++, real.transcribe(a)),
      forcedLogits: (a, t) => (calls.forcedLogits++, real.forcedLogits!(a, t)),
    };
    const { loaded } = await withBaselineCache(counted, 'cpu-fp32', options, { dir: join(tmp, 'by-samples'), run: 'run-1' });
    const tone = (hz: number) => Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / 16000));
    const path = join(tmp, 'same-path.wav');
    writeFileSync(path, encodeWav(tone(440), 16000));
    const first = await loadAudio(path);
    const r1 = await loaded.transcribe(first);
    await loaded.forcedLogits!(first, r1.tokens!);
    expect(calls).toEqual({ transcribe: 1, forcedLogits: 1 });

    writeFileSync(path, encodeWav(tone(1000), 16000));
    const changed = await loadAudio(path);
    expect(audioSha256(changed.samples)).not.toBe(audioSha256(first.samples));
    const r2 = await loaded.transcribe(changed);
    expect(calls.transcribe, 'the file at the same path changed: its transcript must be computed again, not read from the cache').toBe(2);
    await loaded.forcedLogits!(changed, r2.tokens!);
    expect(calls.forcedLogits, 'the file at the same path changed: its logits must be computed again').toBe(2);

    const elsewhere = join(tmp, 'another-name.wav');
    writeFileSync(elsewhere, encodeWav(tone(440), 16000));
    const again = await loadAudio(elsewhere);
    await loaded.forcedLogits!(again, (await loaded.transcribe(again)).tokens!);
    expect(calls, 'the first file\'s samples under another name: transcript and logits from the cache').toEqual({ transcribe: 2, forcedLogits: 2 });
  });
});
