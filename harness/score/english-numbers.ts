import { B_AFTER, B_BEFORE, PY_SPACE, pyInt, pyIsBlank, pySplit } from './python-text.ts';

/**
 * A line-by-line port of openai/whisper's EnglishNumberNormalizer (whisper/normalizers/english.py,
 * MIT licence, see whisper-english.LICENSE): spelled-out numbers to digits, currency words to
 * symbols, ordinals and plurals kept as suffixes. Its quirks are reproduced on purpose ("1.5"
 * becomes "one.5", "3.0" becomes "3", "007" written as digits becomes "7"), since a WER is only
 * comparable when every token is the one whisper's code writes. Python ints are BigInts here.
 */
type Value = bigint | string | null;

const ONES_NAMES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const ZEROS = new Set(['o', 'oh', 'zero']);
const ONES = new Map(ONES_NAMES.map((n, i) => [n, i + 1]));
const ONES_PLURAL = new Map<string, readonly [number, string]>([...ONES].map(([n, v]) => [n === 'six' ? 'sixes' : `${n}s`, [v, 's'] as const]));
const ONES_ORDINAL = new Map<string, readonly [number, string]>([
  ['zeroth', [0, 'th']], ['first', [1, 'st']], ['second', [2, 'nd']], ['third', [3, 'rd']], ['fifth', [5, 'th']], ['twelfth', [12, 'th']],
  ...[...ONES].filter(([, v]) => v > 3 && v !== 5 && v !== 12).map(([n, v]) => [n + (n.endsWith('t') ? 'h' : 'th'), [v, 'th'] as const] as const),
]);
const ONES_SUFFIXED = new Map<string, readonly [number, string]>([...ONES_PLURAL, ...ONES_ORDINAL]);
const TENS = new Map([['twenty', 20], ['thirty', 30], ['forty', 40], ['fifty', 50], ['sixty', 60], ['seventy', 70], ['eighty', 80], ['ninety', 90]]);
// Python's str.replace replaces every "y": there is one per tens word
const TENS_SUFFIXED = new Map<string, readonly [number, string]>([
  ...[...TENS].map(([n, v]) => [n.replaceAll('y', 'ies'), [v, 's'] as const] as const),
  ...[...TENS].map(([n, v]) => [n.replaceAll('y', 'ieth'), [v, 'th'] as const] as const),
]);
const MULTIPLIERS = new Map<string, bigint>(
  ['hundred', 'thousand', 'million', 'billion', 'trillion', 'quadrillion', 'quintillion', 'sextillion', 'septillion', 'octillion', 'nonillion', 'decillion'].map((n, i) => [n, i === 0 ? 100n : 1000n ** BigInt(i)]),
);
const MULTIPLIERS_SUFFIXED = new Map<string, readonly [bigint, string]>([
  ...[...MULTIPLIERS].map(([n, v]) => [`${n}s`, [v, 's'] as const] as const),
  ...[...MULTIPLIERS].map(([n, v]) => [`${n}th`, [v, 'th'] as const] as const),
]);
const DECIMALS = new Set([...ONES.keys(), ...TENS.keys(), ...ZEROS]);
const PRECEDING_PREFIXERS = new Map([['minus', '-'], ['negative', '-'], ['plus', '+'], ['positive', '+']]);
const FOLLOWING_PREFIXERS = new Map([['pound', '£'], ['pounds', '£'], ['euro', '€'], ['euros', '€'], ['dollar', '$'], ['dollars', '$'], ['cent', '¢'], ['cents', '¢']]);
const PREFIXES = new Set([...PRECEDING_PREFIXERS.values(), ...FOLLOWING_PREFIXERS.values()]);
const SUFFIXERS = new Map<string, string | Map<string, string>>([['per', new Map([['cent', '%']])], ['percent', '%']]);
const SPECIALS = new Set(['and', 'double', 'triple', 'point']);
const WORDS = new Set<string>([
  ...ZEROS, ...ONES.keys(), ...ONES_SUFFIXED.keys(), ...TENS.keys(), ...TENS_SUFFIXED.keys(), ...MULTIPLIERS.keys(),
  ...MULTIPLIERS_SUFFIXED.keys(), ...PRECEDING_PREFIXERS.keys(), ...FOLLOWING_PREFIXERS.keys(), ...SUFFIXERS.keys(), ...SPECIALS,
]);

const has = (set: { has(k: string): boolean }, k: string | null): boolean => k !== null && set.has(k);
const NUMERIC = /^\p{Nd}+(\.\p{Nd}+)?$/u;
/** The strings Fraction() accepts among those this code can build: digits, at most one point, at least one digit. */
const FRACTION = /^(?=\p{Nd}|\.\p{Nd})(\p{Nd}*)(?:\.(\p{Nd}*))?$/u;

interface Fraction {
  num: bigint;
  den: bigint;
}

function toFraction(v: bigint | string): Fraction | null {
  if (typeof v === 'bigint') return { num: v, den: 1n };
  const m = FRACTION.exec(v);
  if (!m) return null;
  const dec = m[2] ?? '';
  return reduce({ num: pyInt((m[1] ?? '') + dec), den: 10n ** BigInt(dec.length) });
}

function reduce(f: Fraction): Fraction {
  let [a, b] = [f.num, f.den];
  while (b) [a, b] = [b, a % b];
  return a === 0n ? { num: 0n, den: 1n } : { num: f.num / a, den: f.den / a };
}

const str = (v: bigint | string | number): string => String(v);
const truthy = (v: Value): boolean => v !== null && v !== '' && v !== 0n;

export function processWords(words: readonly string[]): string[] {
  const out: string[] = [];
  let prefix: string | null = null;
  let value: Value = null;
  let skip = false;
  const output = (result: bigint | string): string => {
    let r = str(result);
    if (prefix !== null) r = prefix + r;
    value = null;
    prefix = null;
    return r;
  };
  if (words.length === 0) return out;
  const padded: Array<string | null> = [null, ...words, null];
  for (let w = 1; w < padded.length - 1; w++) {
    const prev = padded[w - 1]!;
    const current = padded[w]!;
    const next = padded[w + 1]!;
    if (skip) {
      skip = false;
      continue;
    }
    const nextIsNumeric = next !== null && NUMERIC.test(next);
    const first = String.fromCodePoint(current.codePointAt(0)!);
    const hasPrefix = PREFIXES.has(first);
    const currentWithoutPrefix = hasPrefix ? current.slice(first.length) : current;
    if (NUMERIC.test(currentWithoutPrefix)) {
      const f = toFraction(currentWithoutPrefix)!;
      if (value !== null) {
        if (typeof value === 'string' && value.endsWith('.')) {
          value = value + current;
          continue;
        } else out.push(output(value));
      }
      prefix = hasPrefix ? first : prefix;
      value = f.den === 1n ? f.num : currentWithoutPrefix;
    } else if (!WORDS.has(current)) {
      if (value !== null) out.push(output(value));
      out.push(output(current));
    } else if (ZEROS.has(current)) {
      value = (truthy(value) ? str(value!) : '') + '0';
    } else if (ONES.has(current)) {
      const ones = ONES.get(current)!;
      if (value === null) value = BigInt(ones);
      else if (typeof value === 'string' || has(ONES, prev)) {
        if (has(TENS, prev) && ones < 10) value = str(value).slice(0, -1) + str(ones);
        else value = str(value) + str(ones);
      } else if (ones < 10) {
        if (value % 10n === 0n) value += BigInt(ones);
        else value = str(value) + str(ones);
      } else {
        if (value % 100n === 0n) value += BigInt(ones);
        else value = str(value) + str(ones);
      }
    } else if (ONES_SUFFIXED.has(current)) {
      const [ones, suffix] = ONES_SUFFIXED.get(current)!;
      if (value === null) out.push(output(str(ones) + suffix));
      else if (typeof value === 'string' || has(ONES, prev)) {
        if (has(TENS, prev) && ones < 10) out.push(output(str(value).slice(0, -1) + str(ones) + suffix));
        else out.push(output(str(value) + str(ones) + suffix));
      } else if (ones < 10) {
        if (value % 10n === 0n) out.push(output(str(value + BigInt(ones)) + suffix));
        else out.push(output(str(value) + str(ones) + suffix));
      } else {
        if (value % 100n === 0n) out.push(output(str(value + BigInt(ones)) + suffix));
        else out.push(output(str(value) + str(ones) + suffix));
      }
      value = null;
    } else if (TENS.has(current)) {
      const tens = TENS.get(current)!;
      if (value === null) value = BigInt(tens);
      else if (typeof value === 'string') value = value + str(tens);
      else if (value % 100n === 0n) value += BigInt(tens);
      else value = str(value) + str(tens);
    } else if (TENS_SUFFIXED.has(current)) {
      const [tens, suffix] = TENS_SUFFIXED.get(current)!;
      if (value === null) out.push(output(str(tens) + suffix));
      else if (typeof value === 'string') out.push(output(value + str(tens) + suffix));
      else if (value % 100n === 0n) out.push(output(str(value + BigInt(tens)) + suffix));
      else out.push(output(str(value) + str(tens) + suffix));
    } else if (MULTIPLIERS.has(current)) {
      const multiplier = MULTIPLIERS.get(current)!;
      if (value === null) value = multiplier;
      else if (typeof value === 'string' || value === 0n) {
        const f = toFraction(value);
        if (f !== null && (f.num * multiplier) % f.den === 0n) value = (f.num * multiplier) / f.den;
        else {
          out.push(output(value));
          value = multiplier;
        }
      } else {
        const before: bigint = (value / 1000n) * 1000n;
        const residual: bigint = value % 1000n;
        value = before + residual * multiplier;
      }
    } else if (MULTIPLIERS_SUFFIXED.has(current)) {
      const [multiplier, suffix] = MULTIPLIERS_SUFFIXED.get(current)!;
      if (value === null) out.push(output(str(multiplier) + suffix));
      else if (typeof value === 'string') {
        const f = toFraction(value);
        if (f !== null && (f.num * multiplier) % f.den === 0n) out.push(output(str((f.num * multiplier) / f.den) + suffix));
        else {
          out.push(output(value));
          out.push(output(str(multiplier) + suffix));
        }
      } else {
        const before: bigint = (value / 1000n) * 1000n;
        const residual: bigint = value % 1000n;
        value = before + residual * multiplier;
        out.push(output(str(value) + suffix));
      }
      value = null;
    } else if (PRECEDING_PREFIXERS.has(current)) {
      if (value !== null) out.push(output(value));
      if (has(WORDS, next) || nextIsNumeric) prefix = PRECEDING_PREFIXERS.get(current)!;
      else out.push(output(current));
    } else if (FOLLOWING_PREFIXERS.has(current)) {
      if (value !== null) {
        prefix = FOLLOWING_PREFIXERS.get(current)!;
        out.push(output(value));
      } else out.push(output(current));
    } else if (SUFFIXERS.has(current)) {
      if (value !== null) {
        const suffix = SUFFIXERS.get(current)!;
        if (typeof suffix !== 'string') {
          if (has(suffix, next)) {
            out.push(output(str(value) + suffix.get(next!)!));
            skip = true;
          } else {
            out.push(output(value));
            out.push(output(current));
          }
        } else out.push(output(str(value) + suffix));
      } else out.push(output(current));
    } else if (SPECIALS.has(current)) {
      if (!has(WORDS, next) && !nextIsNumeric) {
        if (value !== null) out.push(output(value));
        out.push(output(current));
      } else if (current === 'and') {
        // "and" after hundreds, thousands, ... is dropped
        if (!has(MULTIPLIERS, prev)) {
          if (value !== null) out.push(output(value));
          out.push(output(current));
        }
      } else if (current === 'double' || current === 'triple') {
        if (has(ONES, next) || has(ZEROS, next)) {
          const repeats = current === 'double' ? 2 : 3;
          const ones = ONES.get(next!) ?? 0;
          value = (truthy(value) ? str(value!) : '') + str(ones).repeat(repeats);
          skip = true;
        } else {
          if (value !== null) out.push(output(value));
          out.push(output(current));
        }
      } else if (current === 'point') {
        // whisper drops a "point" followed by a number word that cannot be a decimal digit
        if (has(DECIMALS, next) || nextIsNumeric) value = (truthy(value) ? str(value!) : '') + '.';
      }
    }
  }
  if (value !== null) out.push(output(value));
  return out;
}

const AND_A_HALF = new RegExp(`${B_BEFORE}and${PY_SPACE}+a${PY_SPACE}+half${B_AFTER}`, 'u');
const SUFFIX_SPACE = new RegExp(`([0-9])${PY_SPACE}+(st|nd|rd|th|s)${B_AFTER}`, 'gu');

function preprocess(text: string): string {
  const results: string[] = [];
  const segments = text.split(AND_A_HALF);
  segments.forEach((segment, i) => {
    if (pyIsBlank(segment)) return;
    results.push(segment);
    if (i === segments.length - 1) return;
    const lastWord = pySplit(segment).at(-1)!;
    results.push(DECIMALS.has(lastWord) || MULTIPLIERS.has(lastWord) ? 'point five' : 'and a half');
  });
  let s = results.join(' ');
  s = s.replace(/([a-z])([0-9])/gu, '$1 $2');
  s = s.replace(/([0-9])([a-z])/gu, '$1 $2');
  return s.replace(SUFFIX_SPACE, '$1$2');
}

const CENTS = new RegExp(`([€£$])([0-9]+) (?:and )?¢([0-9]{1,2})${B_AFTER}`, 'gu');
// Python's "." matches anything but "\n", so "$0 12" becomes "¢12" too
const ZERO_POINT = new RegExp(`[€£$]0[^\\n]([0-9]{1,2})${B_AFTER}`, 'gu');
const ONE = new RegExp(`${B_BEFORE}1(s?)${B_AFTER}`, 'gu');

function postprocess(s: string): string {
  s = s.replace(CENTS, (_m, currency: string, integer: string, cents: string) => `${currency}${integer}.${cents.padStart(2, '0')}`);
  s = s.replace(ZERO_POINT, (_m, cents: string) => `¢${Number(cents)}`);
  return s.replace(ONE, 'one$1');
}

export function normalizeNumbers(text: string): string {
  return postprocess(processWords(pySplit(preprocess(text))).join(' '));
}
