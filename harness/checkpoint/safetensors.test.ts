import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSafetensors } from './safetensors.ts';

/**
 * The safetensors header checked against the bytes that are there, one boundary at a time
 * (issue 24's fresh-eyes audit: data offsets allowed a few bytes past the data, and a range longer
 * than its shape needs, passed every test). Files hand-built, byte by byte, from the format's rules.
 */
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-safetensors-'));
function file(name: string, header: Record<string, unknown>, dataBytes: number): string {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const path = join(tmp, name);
  writeFileSync(path, Buffer.concat([len, json, Buffer.alloc(dataBytes)]));
  return path;
}
const f32 = (shape: number[], offsets: [number, number]) => ({ dtype: 'F32', shape, data_offsets: offsets });

describe('safetensors: every tensor within the data area, its byte range exactly its shape', () => {
  it('a tensor ending exactly at the end of the data opens; one byte short of its data is refused at open, naming the tensor', () => {
    expect(openSafetensors(file('exact.safetensors', { a: f32([2], [0, 8]) }, 8)).tensors.get('a')).toMatchObject({ shape: [2] });
    // the file lost its last 4 bytes (less than the 8-byte length prefix): still past the data's end
    expect(() => openSafetensors(file('short.safetensors', { a: f32([2], [0, 8]) }, 4))).toThrow(/short\.safetensors: tensor a: data_offsets \[0, 8\] run past the end of the data \(4 bytes\)/);
    expect(() => openSafetensors(file('short1.safetensors', { a: f32([2], [0, 8]) }, 7))).toThrow(/tensor a: data_offsets \[0, 8\] run past the end of the data \(7 bytes\)/);
  });

  it('a byte range longer or shorter than dtype x shape is refused', () => {
    expect(() => openSafetensors(file('long.safetensors', { a: f32([2], [0, 12]) }, 12))).toThrow(/long\.safetensors: tensor a: 12 bytes for F32 \[2\], which needs 8/);
    expect(() => openSafetensors(file('shortrange.safetensors', { a: f32([2], [0, 4]) }, 8))).toThrow(/tensor a: 4 bytes for F32 \[2\], which needs 8/);
  });

  it('offsets that are not a range (begin after end, negative, not two) are refused', () => {
    for (const off of [[8, 0], [-8, 0], [0], [0, 8, 16]]) {
      expect(() => openSafetensors(file('range.safetensors', { a: { dtype: 'F32', shape: [2], data_offsets: off } }, 16)), JSON.stringify(off)).toThrow(/tensor a: data_offsets .* are not a byte range/);
    }
  });

  it('a git-lfs pointer in place of the weights is named as one (git lfs pull), not as a corrupt header', () => {
    const path = join(tmp, 'pointer.safetensors');
    writeFileSync(path, 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 151061672\n');
    expect(() => openSafetensors(path)).toThrow(/pointer\.safetensors: is a git-lfs pointer, not the weights \(run git lfs pull\)/);
  });
});
