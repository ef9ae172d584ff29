import { normalizeNumbers } from './english-numbers.ts';
import { standardizeSpellings } from './english-spelling.ts';
import { dropBracketed, removeSymbolsAndDiacritics } from './normalize-basic.ts';
import { B_AFTER, B_BEFORE, PY_SPACE, collapseSpace } from './python-text.ts';

/**
 * A port of openai/whisper's EnglishTextNormalizer (whisper/normalizers/english.py at commit
 * 6e3be77, the classic version before the "half a million" additions; MIT licence, see
 * whisper-english.LICENSE): fillers dropped, contractions and titles expanded, numbers and
 * currency as digits, British spellings made American by whisper's table. Python `re`'s
 * Unicode `\b`, `\s` and `\d` are spelled out (python-text.ts), and whisper's quirks are kept:
 * the result is not trimmed ("$1" gives " one"), "1.5" gives "one.5".
 */
const re = (pattern: string) => new RegExp(pattern.replaceAll('\\b<', B_BEFORE).replaceAll('>\\b', B_AFTER), 'gu');
const IGNORE = re('\\b<(hmm|mm|mhm|mmm|uh|um)>\\b');
const SPACE_APOSTROPHE = new RegExp(`${PY_SPACE}+'`, 'gu');

const REPLACERS: Array<[RegExp, string]> = (
  [
    ["\\b<won't>\\b", 'will not'],
    ["\\b<can't>\\b", 'can not'],
    ["\\b<let's>\\b", 'let us'],
    ["\\b<ain't>\\b", 'aint'],
    ["\\b<y'all>\\b", 'you all'],
    ['\\b<wanna>\\b', 'want to'],
    ['\\b<gotta>\\b', 'got to'],
    ['\\b<gonna>\\b', 'going to'],
    ["\\b<i'ma>\\b", 'i am going to'],
    ['\\b<imma>\\b', 'i am going to'],
    ['\\b<woulda>\\b', 'would have'],
    ['\\b<coulda>\\b', 'could have'],
    ['\\b<shoulda>\\b', 'should have'],
    ["\\b<ma'am>\\b", 'madam'],
    ['\\b<mr>\\b', 'mister '],
    ['\\b<mrs>\\b', 'missus '],
    ['\\b<st>\\b', 'saint '],
    ['\\b<dr>\\b', 'doctor '],
    ['\\b<prof>\\b', 'professor '],
    ['\\b<capt>\\b', 'captain '],
    ['\\b<gov>\\b', 'governor '],
    ['\\b<ald>\\b', 'alderman '],
    ['\\b<gen>\\b', 'general '],
    ['\\b<sen>\\b', 'senator '],
    ['\\b<rep>\\b', 'representative '],
    ['\\b<pres>\\b', 'president '],
    ['\\b<rev>\\b', 'reverend '],
    ['\\b<hon>\\b', 'honorable '],
    ['\\b<asst>\\b', 'assistant '],
    ['\\b<assoc>\\b', 'associate '],
    ['\\b<lt>\\b', 'lieutenant '],
    ['\\b<col>\\b', 'colonel '],
    ['\\b<jr>\\b', 'junior '],
    ['\\b<sr>\\b', 'senior '],
    ['\\b<esq>\\b', 'esquire '],
    ["'d been>\\b", ' had been'],
    ["'s been>\\b", ' has been'],
    ["'d gone>\\b", ' had gone'],
    ["'s gone>\\b", ' has gone'],
    ["'d done>\\b", ' had done'],
    ["'s got>\\b", ' has got'],
    ["n't>\\b", ' not'],
    ["'re>\\b", ' are'],
    ["'s>\\b", ' is'],
    ["'d>\\b", ' would'],
    ["'ll>\\b", ' will'],
    ["'t>\\b", ' not'],
    ["'ve>\\b", ' have'],
    ["'m>\\b", ' am'],
  ] as const
).map(([p, r]) => [re(p), r]);

export function normalizeEnglish(text: string): string {
  let s = dropBracketed(text.toLowerCase());
  s = s.replace(IGNORE, '');
  s = s.replace(SPACE_APOSTROPHE, "'");
  for (const [pattern, replacement] of REPLACERS) s = s.replace(pattern, replacement);
  s = s.replace(/(\p{Nd}),(\p{Nd})/gu, '$1$2');
  s = s.replace(/\.([^0-9]|$)/gu, ' $1');
  s = removeSymbolsAndDiacritics(s, '.%$¢€£');
  s = normalizeNumbers(s);
  s = standardizeSpellings(s);
  s = s.replace(/[.$¢€£]([^0-9])/gu, ' $1');
  s = s.replace(/([^0-9])%/gu, '$1 ');
  return collapseSpace(s);
}
