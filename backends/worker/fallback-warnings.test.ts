import { describe, expect, it } from 'vitest';
import { fallbackCollector, isFallbackWarning } from './fallback-warnings.ts';

// the warnings as torch_npu, torch (MPS) and other engines print them, quoted from user reports
const FALLBACKS = [
  "[W VariableFallbackKernel.cpp:51] Warning: CAUTION: The operator 'aten::isin.Tensor_Tensor_out' is not currently supported on the NPU backend and will fall back to run on the CPU. This may have performance implications. (function npu_cpu_fallback)",
  "/usr/lib/python3/dist-packages/whisper/model.py:12: UserWarning: The operator 'aten::repeat_interleave.self_int' is not currently supported on the MPS backend and will fall back to run on the CPU. This may have performance implications.",
  'conv2d fallback to CPU',
  'Warning: falling back to CPU for op LayerNorm',
];
// what a healthy torch worker says on stderr
const CLEAN = [
  'UserWarning: TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only storage class.',
  '[W NNPACK.cpp:53] Could not initialize NNPACK! Reason: Unsupported hardware.',
  'loaded model.safetensors in 412 ms on cpu',
  'Traceback (most recent call last):',
];

describe('fallback warnings on a worker stderr', () => {
  it.each(FALLBACKS)('a fallback: %s', (l) => expect(isFallbackWarning(l)).toBe(true));
  it.each(CLEAN)('not a fallback: %s', (l) => expect(isFallbackWarning(l)).toBe(false));

  it('keeps each distinct line once, and counts those past the first ten', () => {
    const c = fallbackCollector();
    for (const l of [...FALLBACKS, ...FALLBACKS, ...CLEAN]) c.see(l);
    expect(c.lines()).toEqual(FALLBACKS);
    for (let i = 0; i < 12; i++) c.see(`op${i} fallback to CPU`);
    expect([c.lines().length, c.more()]).toEqual([10, 6]);
  });
});
