/**
 * The pieces of CPython's `str` and `re` semantics that openai/whisper's normalizers rely on,
 * written for JavaScript regular expressions, so the ports read like the Python they follow:
 * - whitespace is what `str.isspace()` accepts (JS `\s` differs: it has U+FEFF, lacks U+001C-U+001F and U+0085);
 * - a word character is what `re`'s Unicode `\w` accepts (letters, numbers, `_`); JS `\b`/`\w` are ASCII-only,
 *   so `\b` is spelled as look-arounds on that class;
 * - `\d` is any decimal digit (category Nd), which `int()` and `Fraction()` read by digit value.
 */
export const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
export const PY_WORD = '[\\p{L}\\p{N}_]';
/** `\b` before a word character / after one (the only two ways whisper's patterns use it). */
export const B_BEFORE = `(?<!${PY_WORD})`;
export const B_AFTER = `(?!${PY_WORD})`;

const SPACE_RUN = new RegExp(`${PY_SPACE}+`, 'gu');

/** Python's `s.split()`: split on runs of whitespace, no empty strings. */
export function pySplit(s: string): string[] {
  return s.split(SPACE_RUN).filter((w) => w !== '');
}

/** Python's `re.sub(r"\s+", " ", s)`. */
export function collapseSpace(s: string): string {
  return s.replace(SPACE_RUN, ' ');
}

/** Python's `s.strip()` emptiness test. */
export function pyIsBlank(s: string): boolean {
  return pySplit(s).length === 0;
}

const DIGIT = /\p{Nd}/u;

/** The value of a decimal digit of any script: Nd characters come in runs of ten that start at zero. */
function digitValue(c: string): number {
  let cp = c.codePointAt(0)!;
  let n = 0;
  while (DIGIT.test(String.fromCodePoint(cp - 1))) {
    cp--;
    n++;
  }
  return n % 10;
}

/** `int()` of a string of decimal digits (any script), as a BigInt. */
export function pyInt(digits: string): bigint {
  let v = 0n;
  for (const c of digits) v = v * 10n + BigInt(digitValue(c));
  return v;
}

/** Python's `unicodedata.category(c)[0]` tests the normalizers make. */
export const isMarkSymbolPunct = (c: string): boolean => /[\p{M}\p{S}\p{P}]/u.test(c);
export const isNonspacingMark = (c: string): boolean => /\p{Mn}/u.test(c);

const EDGE_SPACE = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'gu');

/** Python's `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(EDGE_SPACE, '');
}
