import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeNumbers } from './english-numbers.ts';
import { standardizeSpellings } from './english-spelling.ts';
import { normalizeBasic } from './normalize-basic.ts';
import { normalizeEnglish } from './normalize-english.ts';

// openai/whisper's tests/test_normalizer.py, transcribed: test_number_normalizer runs its table
// through both EnglishNumberNormalizer and EnglishTextNormalizer, as here.
const NUMBERS: Array<[string, string]> = [
  ['two', '2'], ['thirty one', '31'], ['five twenty four', '524'], ['nineteen ninety nine', '1999'], ['twenty nineteen', '2019'],
  ['two point five million', '2500000'], ['four point two billions', '4200000000s'], ['200 thousand', '200000'],
  ['200 thousand dollars', '$200000'], ['$20 million', '$20000000'], ['€52.4 million', '€52400000'], ['£77 thousands', '£77000s'],
  ['two double o eight', '2008'], ['three thousand twenty nine', '3029'], ['forty three thousand two hundred sixty', '43260'],
  ['forty three thousand two hundred and sixty', '43260'], ['nineteen fifties', '1950s'], ['thirty first', '31st'],
  ['thirty three thousand and three hundred and thirty third', '33333rd'], ['three billion', '3000000000'], ['millions', '1000000s'],
  ['july third twenty twenty', 'july 3rd 2020'], ['august twenty sixth twenty twenty one', 'august 26th 2021'], ['3 14', '3 14'],
  ['3.14', '3.14'], ['3 point 2', '3.2'], ['3 point 14', '3.14'], ['fourteen point 4', '14.4'], ['two point two five dollars', '$2.25'],
  ['two hundred million dollars', '$200000000'], ['$20.1 million', '$20100000'], ['ninety percent', '90%'], ['seventy six per cent', '76%'],
  ['double oh seven', '007'], ['double zero seven', '007'], ['nine one one', '911'], ['nine double one', '911'], ['one triple oh one', '10001'],
  ['two thousandth', '2000th'], ['thirty two thousandth', '32000th'], ['minus 500', '-500'], ['positive twenty thousand', '+20000'],
  ['two dollars and seventy cents', '$2.70'], ['3 cents', '¢3'], ['$0.36', '¢36'], ['three euros and sixty five cents', '€3.65'],
  ['three and a half million', '3500000'], ['forty eight and a half dollars', '$48.5'], ['b747', 'b 747'], ['10 th', '10th'], ['10th', '10th'],
];
const SPELLING: Array<[string, string]> = [['mobilisation', 'mobilization'], ['cancelation', 'cancellation']];
const TEXT: Array<[string, string]> = [
  ["Let's", 'let us'], ["he's like", 'he is like'], ["she's been like", 'she has been like'], ['10km', '10 km'], ['10mm', '10 mm'],
  ['RC232', 'rc 232'], ['Mr. Park visited Assoc. Prof. Kim Jr.', 'mister park visited associate professor kim junior'],
];

describe("openai/whisper's normalizer test table", () => {
  it.each(NUMBERS)('numbers: %s -> %s (EnglishNumberNormalizer and EnglishTextNormalizer)', (input, expected) => {
    expect(normalizeNumbers(input)).toBe(expected);
    expect(normalizeEnglish(input)).toBe(expected);
  });
  it.each(SPELLING)('spelling: %s -> %s', (input, expected) => expect(standardizeSpellings(input)).toBe(expected));
  it.each(TEXT)('text: %s -> %s', (input, expected) => expect(normalizeEnglish(input)).toBe(expected));
});

// Sentences (numbers, currencies, ordinals, spellings, contractions, symbols, scripts, Unicode
// whitespace and digits) with the outputs whisper's own Python code gave, written by
// bin/whisper-normalizer-oracle.py; producedBy in the file says which code and Python.
const oracle = JSON.parse(readFileSync(new URL('./whisper-normalizer.cases.json', import.meta.url), 'utf8')) as { inputs: string[]; english: string[]; basic: string[] };

describe("whisper's Python output on a wider sentence set", () => {
  it('has an expected output per input, in both modes', () => {
    expect(oracle.inputs.length).toBeGreaterThan(300);
    expect(oracle.english).toHaveLength(oracle.inputs.length);
    expect(oracle.basic).toHaveLength(oracle.inputs.length);
  });
  it('english mode gives EnglishTextNormalizer output exactly (quirks and surrounding spaces included)', () => {
    const differ = oracle.inputs.map((s, i) => [s, normalizeEnglish(s), oracle.english[i]]).filter(([, ours, theirs]) => ours !== theirs);
    expect(differ).toEqual([]);
  });
  it('basic mode gives BasicTextNormalizer output exactly', () => {
    const differ = oracle.inputs.map((s, i) => [s, normalizeBasic(s), oracle.basic[i]]).filter(([, ours, theirs]) => ours !== theirs);
    expect(differ).toEqual([]);
  });
});

describe('the letters whisper spells out when it removes diacritics (issue 24 audit)', () => {
  it('each of whisper\'s ADDITIONAL_DIACRITICS becomes its spelling (openai/whisper normalizers/basic.py)', () => {
    // whisper's table, written out from its source: a letter mapped wrong fails alone
    const whisper: Record<string, string> = { œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', ß: 'ss', ẞ: 'SS', đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', þ: 'th', Þ: 'th', ł: 'l', Ł: 'L' };
    for (const [letter, spelled] of Object.entries(whisper)) expect(normalizeBasic(`x${letter}y`, { removeDiacritics: true }), `${letter} -> ${spelled}`).toBe(`x${spelled}y`.toLowerCase());
  });
});
