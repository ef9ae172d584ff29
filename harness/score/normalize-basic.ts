/**
 * Text normalisation with the behaviour of openai/whisper's BasicTextNormalizer: lower-case,
 * drop [bracketed] and <angled> spans and (parenthesised) asides, turn marks, symbols and
 * punctuation into spaces, collapse whitespace. Written from its documented behaviour.
 */
const LETTER_MAP: Record<string, string> = {
  œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', ß: 'ss', ẞ: 'SS',
  đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', þ: 'th', Þ: 'th', ł: 'l', Ł: 'L',
};

const MARK_SYMBOL_PUNCT = /[\p{M}\p{S}\p{P}]/u;

/** NFKC, then every mark, symbol or punctuation character becomes a space. */
export function removeSymbols(s: string): string {
  let out = '';
  for (const c of s.normalize('NFKC')) out += MARK_SYMBOL_PUNCT.test(c) ? ' ' : c;
  return out;
}

/** NFKD; combining marks vanish, other marks/symbols/punctuation become spaces, except `keep`. */
export function removeSymbolsAndDiacritics(s: string, keep = ''): string {
  let out = '';
  for (const c of s.normalize('NFKD')) {
    if (keep.includes(c)) out += c;
    else if (c in LETTER_MAP) out += LETTER_MAP[c];
    else if (/\p{Mn}/u.test(c)) out += '';
    else if (MARK_SYMBOL_PUNCT.test(c)) out += ' ';
    else out += c;
  }
  return out;
}

export function dropBracketed(s: string): string {
  return s.replace(/[<[][^>\]]*[>\]]/g, '').replace(/\(([^)]+?)\)/g, '');
}

export function normalizeBasic(text: string, opts: { removeDiacritics?: boolean } = {}): string {
  let s = dropBracketed(text.toLowerCase());
  s = (opts.removeDiacritics ? removeSymbolsAndDiacritics(s) : removeSymbols(s)).toLowerCase();
  return s.replace(/\s+/g, ' ');
}
