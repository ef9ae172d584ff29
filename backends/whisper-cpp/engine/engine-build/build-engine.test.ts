import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuEngine, engineFactsOf, readEngineRecord } from '../cpu-engine.ts';
import { bundledLibraryPath } from '../whisper-library.ts';
import { buildEngine } from './build-engine.ts';
import { chooseIsa, cpuFlags } from './cpu-isa.ts';

const BIN = resolve(import.meta.dirname, '../../../../bin/build-engine.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-engine-'));
const saved = { CC: process.env.CC, ASR_PARITY_ENGINE_CACHE: process.env.ASR_PARITY_ENGINE_CACHE };

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('choosing the instruction set', () => {
  it('uses AVX2, FMA and F16C, and BMI2 where the CPU has it', () => {
    const isa = chooseIsa(cpuFlags('processor\t: 0\nflags\t\t: fpu sse avx avx2 fma f16c bmi2 pni\n'), 'x64');
    expect(isa).toMatchObject({ ok: true, name: 'AVX AVX2 FMA F16C BMI2', flags: ['-mavx', '-mavx2', '-mfma', '-mf16c', '-mbmi2'] });
    expect(chooseIsa(new Set(['avx', 'avx2', 'fma', 'f16c']), 'x64')).toMatchObject({ ok: true, flags: ['-mavx', '-mavx2', '-mfma', '-mf16c'] });
  });

  it('says why not on a CPU without AVX2 or FMA, and off x86-64', () => {
    expect(chooseIsa(new Set(['avx', 'f16c']), 'x64')).toEqual({ ok: false, reason: 'this CPU lacks AVX2, FMA (the SIMD build needs AVX, AVX2, FMA and F16C)' });
    expect(chooseIsa(new Set(), 'arm64')).toEqual({ ok: false, reason: 'the SIMD build is for x86-64, this is arm64' });
  });
});

describe('the engine build never fails an install', () => {
  it('without a compiler records the prebuilt with the reason, and the backends use the prebuilt', async () => {
    const cache = join(tmp, 'no-compiler');
    process.env.CC = '/nonexistent/gcc';
    const outcome = await buildEngine({ cacheDir: cache });
    expect(outcome.record).toMatchObject({ engineBuild: 'prebuilt', reason: 'no compiler: /nonexistent/gcc not found' });
    expect(outcome.notice).toBe('asr-parity: using the prebuilt whisper.cpp library (no SIMD): no compiler: /nonexistent/gcc not found');
    expect(readEngineRecord(cache)).toEqual(outcome.record);
    process.env.ASR_PARITY_ENGINE_CACHE = cache;
    expect(cpuEngine()).toMatchObject({ build: 'prebuilt', library: bundledLibraryPath(), facts: { engineBuild: 'prebuilt', engineNote: 'no compiler: /nonexistent/gcc not found' } });
  });

  it('as the postinstall script: exit 0 and one line saying why', async () => {
    const r = await execa('node', [BIN], { env: { CC: '/nonexistent/gcc', ASR_PARITY_ENGINE_CACHE: join(tmp, 'script') }, reject: false, stdin: 'ignore' });
    expect(r.exitCode).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual(['asr-parity: using the prebuilt whisper.cpp library (no SIMD): no compiler: /nonexistent/gcc not found']);
  });

  it('a build made for CPU flags this CPU lacks is not used', () => {
    const cache = join(tmp, 'other-cpu');
    mkdirSync(join(cache, 'builds/k'), { recursive: true });
    writeFileSync(join(cache, 'builds/k/libwhisper.so'), '');
    const record = { engineBuild: 'simd', library: 'builds/k/libwhisper.so', source: 'whisper.rn@0.7.4', whisperCpp: '1.9.3', isa: 'X', cpuFlags: ['avx2', 'no_such_flag'], flags: '-mx', compiler: 'gcc', key: 'k', builtAt: '', buildSeconds: 1 };
    writeFileSync(join(cache, 'engine.json'), JSON.stringify(record));
    process.env.ASR_PARITY_ENGINE_CACHE = cache;
    expect(cpuEngine().build).toBe('prebuilt');
    expect(cpuEngine().facts.engineNote).toMatch(/this CPU lacks no_such_flag, which the SIMD build was compiled for/);
    expect(readFileSync(join(cache, 'engine.json'), 'utf8')).toContain('no_such_flag');
  });

  it('names what a library is in the environment record', () => {
    process.env.ASR_PARITY_ENGINE_CACHE = join(tmp, 'none');
    expect(engineFactsOf(bundledLibraryPath()!)).toMatchObject({ engineBuild: 'prebuilt', engineSource: expect.stringMatching(/^@fugood\/node-whisper-linux-x64@\d/) });
    expect(engineFactsOf('/lib/x86_64-linux-gnu/libz.so.1')).toMatchObject({ engineBuild: 'other' });
  });
});
