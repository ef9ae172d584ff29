import { normalizeNumbers } from './english-numbers.ts';
import { britishToAmerican } from './english-spelling.ts';
import { dropBracketed, removeSymbolsAndDiacritics } from './normalize-basic.ts';

/**
 * The behaviour of openai/whisper's EnglishTextNormalizer: fillers dropped, contractions and
 * titles expanded, spoken numbers and currency as digits, British spellings made American,
 * symbols removed except where they belong to a number.
 */
const FILLERS = /\b(hmm|mm|mhm|mmm|uh|um)\b/g;

const REPLACEMENTS: Array<[RegExp, string]> = [
  [/\bwon't\b/g, 'will not'],
  [/\bcan't\b/g, 'can not'],
  [/\blet's\b/g, 'let us'],
  [/\bain't\b/g, 'aint'],
  [/\by'all\b/g, 'you all'],
  [/\bwanna\b/g, 'want to'],
  [/\bgotta\b/g, 'got to'],
  [/\bgonna\b/g, 'going to'],
  [/\bi'ma\b/g, 'i am going to'],
  [/\bimma\b/g, 'i am going to'],
  [/\bwoulda\b/g, 'would have'],
  [/\bcoulda\b/g, 'could have'],
  [/\bshoulda\b/g, 'should have'],
  [/\bma'am\b/g, 'madam'],
  ...(
    [
      ['mr', 'mister'], ['mrs', 'missus'], ['st', 'saint'], ['dr', 'doctor'], ['prof', 'professor'], ['capt', 'captain'],
      ['gov', 'governor'], ['ald', 'alderman'], ['gen', 'general'], ['sen', 'senator'], ['rep', 'representative'],
      ['pres', 'president'], ['rev', 'reverend'], ['hon', 'honorable'], ['asst', 'assistant'], ['assoc', 'associate'],
      ['lt', 'lieutenant'], ['col', 'colonel'], ['jr', 'junior'], ['sr', 'senior'], ['esq', 'esquire'],
    ] as const
  ).map(([a, b]): [RegExp, string] => [new RegExp(`\\b${a}\\b`, 'g'), `${b} `]),
  [/'d been\b/g, ' had been'],
  [/'s been\b/g, ' has been'],
  [/'d gone\b/g, ' had gone'],
  [/'s gone\b/g, ' has gone'],
  [/'d done\b/g, ' had done'],
  [/'s got\b/g, ' has got'],
  [/n't\b/g, ' not'],
  [/'re\b/g, ' are'],
  [/'s\b/g, ' is'],
  [/'d\b/g, ' would'],
  [/'ll\b/g, ' will'],
  [/'t\b/g, ' not'],
  [/'ve\b/g, ' have'],
  [/'m\b/g, ' am'],
];

export function normalizeEnglish(text: string): string {
  let s = dropBracketed(text.toLowerCase());
  s = s.replace(FILLERS, '');
  s = s.replace(/\s+'/g, "'");
  for (const [re, rep] of REPLACEMENTS) s = s.replace(re, rep);
  s = s.replace(/(\d),(\d)/g, '$1$2');
  s = s.replace(/\.([^0-9]|$)/g, ' $1');
  s = removeSymbolsAndDiacritics(s, '.%$¢€£');
  // letters glued to digits are separate words ("10km" -> "10 km", "b747" -> "b 747"), ordinals stay whole
  s = s.replace(/(\d)\s+(st|nd|rd|th)\b/g, '$1$2');
  s = s.replace(/([a-z])(\d)/g, '$1 $2').replace(/(\d)([a-z])/g, (m, d: string, l: string, off: number, all: string) => (/^(st|nd|rd|th|s)\b/.test(all.slice(off + 1)) ? m : `${d} ${l}`));
  s = normalizeNumbers(s);
  s = s.split(' ').map(britishToAmerican).join(' ');
  s = s.replace(/[.$¢€£]([^0-9])/g, ' $1');
  s = s.replace(/([^0-9])%/g, '$1 ');
  return s.replace(/\s+/g, ' ').trim();
}
