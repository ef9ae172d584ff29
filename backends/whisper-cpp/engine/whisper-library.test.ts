import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAsrParityError } from '../../../harness/errors.ts';
import { cpuEngine } from './cpu-engine.ts';
import { abiForVersion, abiLayoutText, firstLayoutDifference, whisperAbi19, whisperRnAbi19 } from './whisper-abi.ts';
import { bundledLibraryPath, loadWhisperLibrary } from './whisper-library.ts';
import { itUnless } from '../../../suites/helpers/visible-skip.ts';

const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-abi-'));

/** A shared library with whisper_version() and asr_parity_abi_layout() returning what we say, nothing else. */
function fakeLibrary(name: string, version: string, layout: string): string {
  const c = join(tmp, `${name}.c`);
  writeFileSync(c, `const char *whisper_version(void) { return ${JSON.stringify(version)}; }\nconst char *asr_parity_abi_layout(void) { return ${JSON.stringify(layout)}; }\n`);
  const so = join(tmp, `lib${name}.so`);
  execFileSync('cc', ['-shared', '-fPIC', '-o', so, c]);
  return so;
}

describe('whisper.cpp struct layouts', () => {
  it("whisper.rn's tree differs from upstream in whisper_context_params only: use_coreml shifts flash_attn", () => {
    const up = abiLayoutText(whisperAbi19());
    const rn = abiLayoutText(whisperRnAbi19());
    expect(up.split('\n')[0]).toBe(rn.split('\n')[0]);
    expect(firstLayoutDifference(up, rn)).toBe('whisper_context_params use_coreml=1 where asr-parity expects flash_attn=1');
  });

  it('picks the layout a library reports, else whisper.rn by its symbol prefix, else upstream by version', () => {
    expect(abiForVersion('1.9.3', { compiledLayout: abiLayoutText(whisperRnAbi19()) })?.id).toBe('whisper.rn-1.9');
    expect(abiForVersion('1.9.3', { compiledLayout: abiLayoutText(whisperAbi19()) })?.id).toBe('whisper.cpp-1.9');
    expect(abiForVersion('1.9.3', { compiledLayout: abiLayoutText(whisperAbi19()).replace('vad_params=280', 'vad_params=288') })).toBeUndefined();
    expect(abiForVersion('1.9.3', { whisperRnTree: true })?.id).toBe('whisper.rn-1.9');
    expect(abiForVersion('1.9.3-dev')?.id).toBe('whisper.cpp-1.9');
    expect(abiForVersion('1.5.4', { compiledLayout: abiLayoutText(whisperAbi19()) })).toBeUndefined();
  });

  it('refuses a library whose compiled layout differs from the one asr-parity would pass, naming the field', () => {
    const so = fakeLibrary('drifted', '1.9.3', abiLayoutText(whisperAbi19()).replace('vad_params=280', 'vad_params=288'));
    const err = (() => {
      try {
        loadWhisperLibrary(so);
      } catch (e) {
        return e;
      }
    })();
    expect(isAsrParityError(err) && err.code).toBe('LIBRARY_ABI');
    expect((err as Error).message).toMatch(/libdrifted\.so: its whisper\.h lays out whisper_full_params vad_params=288 where asr-parity expects vad_params=280/);
  });

  it('the prebuilt is taken by its version (it reports no layout)', () => {
    const lib = loadWhisperLibrary(bundledLibraryPath()!);
    expect(lib.version).toMatch(/^1\.9\.\d+-dev$/);
    expect(lib).toMatchObject({ layoutVerified: false, abi: { id: 'whisper.cpp-1.9' } });
    expect(lib.fn.contextDefaultParams()).toMatchObject({ use_gpu: true, flash_attn: true });
  });

  const simd = cpuEngine();
  itUnless(simd.build !== 'simd' && `no SIMD build here: ${simd.facts.engineNote ?? simd.build}`, 'the SIMD build is checked against the layout its compiler computed', () => {
    const lib = loadWhisperLibrary(simd.library!);
    expect(lib.version).toBe('1.9.3');
    expect(lib).toMatchObject({ layoutVerified: true, abi: { id: 'whisper.rn-1.9' } });
    // read through the upstream layout, flash_attn would come back as whisper.rn's use_coreml (false)
    expect(lib.fn.contextDefaultParams()).toMatchObject({ use_gpu: true, use_coreml: false, flash_attn: true });
    expect(lib.systemInfo).toMatch(/AVX2 = 1/);
  });
});
