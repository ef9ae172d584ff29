import { describe, expect, it } from 'vitest';
import { fromBfloat16, fromHalf, toHalf } from './half.ts';

/**
 * binary16 by its definition (IEEE 754-2008, round to nearest, ties to even), on the values where
 * a careless edit shows: ties, the largest finite half and the first that overflows, the
 * subnormals and the first value that underflows. The expected bits are the standard's, worked
 * out by hand (numpy.float16 gives the same), not read back from the code under test.
 */
const ulpAt1 = 2 ** -10;
describe('toHalf: round to nearest, ties to even', () => {
  it.each([
    ['1', 1, 0x3c00],
    ['1 + half an ulp: a tie, rounds down to the even 1', 1 + ulpAt1 / 2, 0x3c00],
    ['1 + 1.5 ulp: a tie, rounds up to the even 1 + 2 ulp', 1 + 1.5 * ulpAt1, 0x3c02],
    ['1 + just over half an ulp: rounds up', 1 + ulpAt1 / 2 + 2 ** -20, 0x3c01],
    ['-2', -2, 0xc000],
    ['65504, the largest finite half', 65504, 0x7bff],
    ['65519, below the overflow tie: rounds to 65504', 65519, 0x7bff],
    ['65520, the tie above 65504: overflows to infinity', 65520, 0x7c00],
    ['70000 (exponent 16): infinity, not a NaN', 70000, 0x7c00],
    ['-1e6', -1e6, 0xfc00],
    ['2^-14, the smallest normal', 2 ** -14, 0x0400],
    ['2^-24, the smallest subnormal', 2 ** -24, 0x0001],
    ['3 * 2^-25, a subnormal tie: rounds to the even 2 * 2^-24', 3 * 2 ** -25, 0x0002],
    ['2^-25, the tie between 0 and the smallest subnormal: 0 (even)', 2 ** -25, 0x0000],
    ['2^-25 + a little: the smallest subnormal', 2 ** -25 * 1.0001, 0x0001],
    ['2^-26: underflows to 0', 2 ** -26, 0x0000],
    ['-0', -0, 0x8000],
    ['infinity', Number.POSITIVE_INFINITY, 0x7c00],
  ])('%s', (_what, value, bits) => {
    expect(toHalf(value).toString(16), `toHalf(${value})`).toBe(bits.toString(16));
  });

  it('NaN stays a NaN', () => expect(Number.isNaN(fromHalf(toHalf(Number.NaN)))).toBe(true));
});

describe('fromHalf and fromBfloat16: exact widening', () => {
  it.each([
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24],
    [0x0400, 2 ** -14],
    [0x3c01, 1 + ulpAt1],
    [0x7bff, 65504],
    [0xc000, -2],
    [0x7c00, Number.POSITIVE_INFINITY],
  ].map(([b, v]) => [`0x${b!.toString(16)}`, b!, v!] as const))('half %s', (_name, bits, value) => expect(fromHalf(bits), `fromHalf(0x${bits.toString(16)})`).toBe(value));

  it('every finite half survives toHalf(fromHalf(h)) unchanged', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue; // infinities and NaNs
      if (toHalf(fromHalf(h)) !== h) expect.fail(`0x${h.toString(16)} widens to ${fromHalf(h)}, which rounds back to 0x${toHalf(fromHalf(h)).toString(16)}`);
    }
  });

  it('bfloat16 is the upper half of a float32', () => {
    expect([fromBfloat16(0x3fc0), fromBfloat16(0xc100), fromBfloat16(0x0001)]).toEqual([1.5, -8, 2 ** -133]);
  });
});
