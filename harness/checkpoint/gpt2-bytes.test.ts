import { describe, expect, it } from 'vitest';
import { tokenBytes, tokenString } from './gpt2-bytes.ts';

/**
 * GPT-2's byte map at its seams (openai/gpt-2 src/encoder.py, bytes_to_unicode): the printable
 * ranges keep their own code points, the other bytes take 256, 257, ... in byte order. A range
 * edge moved by one (issue 24's fresh-eyes audit: 0xac treated as unprintable) shifts every
 * byte after it yet keeps the map a bijection, so a round trip alone cannot see it.
 */
describe("GPT-2's byte map, entry by entry at each range's edge", () => {
  it.each([
    [0x00, 0x100],
    [0x20, 0x120], // the space: Ġ
    [0x21, 0x21],
    [0x7e, 0x7e],
    [0x7f, 0x121],
    [0xa0, 0x142],
    [0xa1, 0xa1],
    [0xac, 0xac],
    [0xad, 0x143], // the soft hyphen: Ń
    [0xae, 0xae],
    [0xff, 0xff],
  ].map(([b, c]) => [`0x${b!.toString(16)}`, `U+${c!.toString(16).toUpperCase().padStart(4, '0')}`, b!, c!] as const))('byte %s is %s', (_b, _c, byte, code) => {
    const s = tokenString(Buffer.from([byte]));
    expect(s.codePointAt(0)!.toString(16), `byte 0x${byte.toString(16)}`).toBe(code.toString(16));
    expect(tokenBytes(s)).toEqual(Buffer.from([byte]));
  });
});
