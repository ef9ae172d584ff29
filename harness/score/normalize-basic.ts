import { collapseSpace, isMarkSymbolPunct, isNonspacingMark } from './python-text.ts';

/**
 * A port of openai/whisper's BasicTextNormalizer and its helpers (whisper/normalizers/basic.py,
 * MIT licence, see whisper-english.LICENSE): lower-case, drop [bracketed]/<angled> spans and
 * (parenthesised) asides, marks, symbols and punctuation become spaces, whitespace runs become one
 * space. Like whisper, the result is not trimmed.
 */
const ADDITIONAL_DIACRITICS: Record<string, string> = {
  œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', ß: 'ss', ẞ: 'SS',
  đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', þ: 'th', Þ: 'th', ł: 'l', Ł: 'L',
};

/** NFKC, then every mark, symbol or punctuation character becomes a space. */
export function removeSymbols(s: string): string {
  let out = '';
  for (const c of s.normalize('NFKC')) out += isMarkSymbolPunct(c) ? ' ' : c;
  return out;
}

/** NFKD; non-spacing marks vanish, other marks/symbols/punctuation become spaces, except those in `keep`. */
export function removeSymbolsAndDiacritics(s: string, keep = ''): string {
  let out = '';
  for (const c of s.normalize('NFKD')) {
    if (keep.includes(c)) out += c;
    else if (Object.hasOwn(ADDITIONAL_DIACRITICS, c)) out += ADDITIONAL_DIACRITICS[c];
    else if (isNonspacingMark(c)) out += '';
    else if (isMarkSymbolPunct(c)) out += ' ';
    else out += c;
  }
  return out;
}

/** whisper's two bracket rules, in its order: [..] and <..> spans (either closer ends either), then (..) asides. */
export function dropBracketed(s: string): string {
  return s.replace(/[<[][^>\]]*[>\]]/gu, '').replace(/\(([^)]+?)\)/gu, '');
}

export function normalizeBasic(text: string, opts: { removeDiacritics?: boolean } = {}): string {
  let s = dropBracketed(text.toLowerCase());
  s = (opts.removeDiacritics ? removeSymbolsAndDiacritics(s) : removeSymbols(s)).toLowerCase();
  return collapseSpace(s);
}
