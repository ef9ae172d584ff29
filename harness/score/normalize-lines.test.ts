import { describe, expect, it } from 'vitest';
import { NORMALIZER_NAMES } from '../config/normalizer-names.ts';
import { UsageError } from '../errors.ts';
import { getNormalizer, normalizeLines, normalizerInfo } from './normalizers.ts';

describe('normalizeLines (asr-parity normalize)', () => {
  it('gives one line out per line in, keeping empty lines, with no empty line for the final newline', () => {
    expect(normalizeLines('Hello, World!\n\nMr. Smith\n', 'english')).toBe('hello world\n\nmister smith');
    expect(normalizeLines('Hello, World!', 'basic')).toBe(getNormalizer('basic')('Hello, World!'));
  });
});

describe('the normalizer names', () => {
  it('every listed name has a normalizer and a recorded version; others are refused naming the list', () => {
    for (const n of NORMALIZER_NAMES) expect(normalizerInfo(n)).toMatchObject({ name: n, version: expect.any(String) });
    expect(() => normalizerInfo('german')).toThrow(UsageError);
    expect(() => normalizerInfo('german')).toThrow(/use none, basic or english/);
  });
});
