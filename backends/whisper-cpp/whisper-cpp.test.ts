import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARITY_MODELS } from '../../fixtures/generate.ts';
import { bundledLibraryPath } from './engine/whisper-library.ts';
import { whisperCppBackend } from './whisper-cpp.ts';

/**
 * An accelerator backend must prove, per load, that whisper.cpp picked its ggml device: it looks
 * for whisper.cpp's "using <device>" line. The log is process-wide, so the check must read only
 * the lines of its own load, not an earlier load's.
 *
 * Real loads on the bundled CPU libwhisper: it offers one ggml device, CPU, and whisper.cpp only
 * announces the GPU-type devices it picks, so it never logs "using CPU". An accelerator spec on
 * the CPU device therefore describes exactly a load that did not pick its device. whisper.cpp
 * logs the model path as it loads, so a model reached through a folder named "using CPU backend"
 * puts a "using CPU" line in that load's log, as a load that picked the device would.
 */
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-whisper-cpp-'));
mkdirSync(join(tmp, 'using CPU backend'));
const pickedModel = join(tmp, 'using CPU backend', 'parity-f16.bin');
symlinkSync(PARITY_MODELS.fp16, pickedModel);

const onCpuAsAccelerator = whisperCppBackend({
  name: 'cpu-as-accelerator',
  description: 'the CPU ggml device treated as an accelerator that must be picked',
  device: 'cpu',
  precision: 'fp16',
  modelEnv: 'ASR_PARITY_TEST_NO_SUCH_MODEL_ENV',
  defaultModel: () => PARITY_MODELS.fp16,
  accelerator: { probe: async () => ({ ok: true, facts: {} }), ggmlDevice: 'CPU' },
});
const library = bundledLibraryPath();

describe('the accelerator check reads only its own load\'s log', () => {
  it('accepts a load whose log says it picked the device, then refuses a later load whose log does not', async () => {
    const picked = await onCpuAsAccelerator.load({ library, model: pickedModel });
    picked.dispose();
    // the earlier load's "using CPU" line is still in the process's log
    const err = await onCpuAsAccelerator.load({ library, model: PARITY_MODELS.fp16 }).then(
      (b) => (b.dispose(), 'loaded'),
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/did not pick the CPU device and would have run on the CPU/);
  });
});
