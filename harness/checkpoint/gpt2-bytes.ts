/**
 * GPT-2's reversible byte <-> unicode map (openai/gpt-2 src/encoder.py, bytes_to_unicode), which
 * Hugging Face's vocab.json uses to spell every token as printable characters; whisper.cpp's
 * ggml file holds the raw bytes, so convert-h5-to-ggml.py undoes it and so do we.
 */
const BYTE_TO_CHAR: string[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const map: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCharCode(printable(b) ? b : 256 + n++);
  return map;
})();
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** A vocab.json token's raw bytes, or undefined if it holds a character outside the map. */
export function tokenBytes(token: string): Buffer | undefined {
  const out = Buffer.alloc(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = CHAR_TO_BYTE.get(token[i]!);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}

/** Raw token bytes spelled as vocab.json spells them. */
export function tokenString(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) s += BYTE_TO_CHAR[b];
  return s;
}
