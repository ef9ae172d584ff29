import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeGgmlModel, walkGgmlFile, type GgmlHeader } from './ggml-file.ts';

/**
 * The ggml walk ends exactly at the end of the file: a last tensor a few bytes short is refused
 * (issue 24's fresh-eyes audit: 4 bytes of slack in that check passed every test, and whisper.cpp
 * would then read past the end of the file).
 */
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-ggml-'));
const header: GgmlHeader = {
  hparams: { nVocab: 4, nAudioCtx: 2, nAudioState: 2, nAudioHead: 1, nAudioLayer: 1, nTextCtx: 2, nTextState: 2, nTextHead: 1, nTextLayer: 1, nMels: 2 },
  precision: 'f32',
  melFilters: { nMel: 2, nFft: 2, data: new Float32Array(4) },
  vocab: [Buffer.from('a'), Buffer.from(' ')],
};
const file = (name: string, bytes: Buffer) => {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
};

describe('the ggml walk is bounded by the file', () => {
  const whole = encodeGgmlModel({ ...header, tensors: [{ name: 'encoder.ln_post.weight', dims: [2, 3], data: new Float32Array(6).fill(1) }] });

  it('a whole file walks to its end: one tensor, its data the last 24 bytes', () => {
    const ix = walkGgmlFile(file('whole.bin', whole));
    expect(ix.tensors).toEqual([expect.objectContaining({ name: 'encoder.ln_post.weight', dims: [2, 3], elements: 6, offset: whole.length - 24, bytes: 24 })]);
    expect(ix.hasSpaceToken).toBe(true);
  });

  it.each([1, 2, 4, 23])('%i bytes short of the last tensor\'s data: refused, naming the tensor', (short) => {
    expect(() => walkGgmlFile(file(`short-${short}.bin`, whole.subarray(0, whole.length - short))), `${short} bytes missing`).toThrow(new RegExp(`short-${short}\\.bin: truncated in tensor 0: needs ${whole.length} bytes, file has ${whole.length - short}`));
  });
});
