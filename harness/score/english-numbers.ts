/**
 * Spoken numbers to digits, following the behaviour openai/whisper's EnglishNumberNormalizer
 * documents in its tests ("nineteen ninety nine" -> 1999, "two point five million" -> 2500000,
 * "two dollars and seventy cents" -> $2.70, "thirty first" -> 31st, "ninety percent" -> 90%).
 * Our own implementation: a left-to-right scan that collects a number phrase, then emits it.
 */
const ONES: Record<string, number> = { zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 };
const TEENS: Record<string, number> = { ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19 };
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const MULT: Record<string, number> = { hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };
const ORD_ONES: Record<string, [number, string]> = { first: [1, 'st'], second: [2, 'nd'], third: [3, 'rd'], fourth: [4, 'th'], fifth: [5, 'th'], sixth: [6, 'th'], seventh: [7, 'th'], eighth: [8, 'th'], ninth: [9, 'th'] };
const ORD_TEENS: Record<string, number> = { tenth: 10, eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17, eighteenth: 18, nineteenth: 19 };
const ORD_TENS: Record<string, number> = { twentieth: 20, thirtieth: 30, fortieth: 40, fiftieth: 50, sixtieth: 60, seventieth: 70, eightieth: 80, ninetieth: 90 };
const ORD_MULT: Record<string, number> = { hundredth: 100, thousandth: 1e3, millionth: 1e6, billionth: 1e9 };
const PLURAL_TENS: Record<string, number> = { twenties: 20, thirties: 30, forties: 40, fifties: 50, sixties: 60, seventies: 70, eighties: 80, nineties: 90 };
const PLURAL_MULT: Record<string, number> = { hundreds: 100, thousands: 1e3, millions: 1e6, billions: 1e9 };
const CURRENCY: Record<string, string> = { dollar: '$', dollars: '$', euro: '€', euros: '€', pound: '£', pounds: '£' };
const SIGN: Record<string, string> = { minus: '-', negative: '-', plus: '+', positive: '+' };

type Value = { int: string; frac: string };

/** A number phrase being collected: digit groups are concatenated ("nine one one"), values within a group add up. */
class Phrase {
  groups: string[] = [];
  total = 0n; // completed thousands/millions part of the current group
  current = 0n; // below-thousand part of the current group
  lastKind: 'ones' | 'teens' | 'tens' | 'mult' | 'digits' | null = null;
  open = false;
  frac = '';
  inFraction = false;

  push(kind: 'ones' | 'teens' | 'tens', v: number): void {
    if (this.inFraction) {
      this.frac += String(v);
      return;
    }
    const canAdd = this.open && ((this.lastKind === 'tens' && kind === 'ones') || this.lastKind === 'mult');
    if (this.open && !canAdd) this.flushGroup();
    this.current += BigInt(v);
    this.lastKind = kind;
    this.open = true;
  }
  pushDigits(d: string): void {
    if (this.inFraction) {
      this.frac += d;
      return;
    }
    if (this.open) this.flushGroup();
    const [i, f] = d.split('.');
    this.current = BigInt(i || '0');
    if (f !== undefined) this.frac = f;
    this.lastKind = 'digits';
    this.open = true;
  }
  multiply(m: number): void {
    if (!this.open) this.current = 1n;
    const mb = BigInt(m);
    if (this.frac) {
      // 2.5 million, 52.4 million
      const scaled = (this.current * 10n ** BigInt(this.frac.length) + BigInt(this.frac)) * mb;
      const div = 10n ** BigInt(this.frac.length);
      this.current = scaled / div;
      this.frac = '';
      this.inFraction = false;
    } else if (m === 100) this.current = (this.current || 1n) * mb;
    else {
      this.total += (this.current || 1n) * mb;
      this.current = 0n;
    }
    this.lastKind = 'mult';
    this.open = true;
  }
  flushGroup(): void {
    if (!this.open) return;
    this.groups.push(String(this.total + this.current));
    this.total = 0n;
    this.current = 0n;
    this.open = false;
  }
  value(): Value | null {
    this.flushGroup();
    if (!this.groups.length) return null;
    return { int: this.groups.join(''), frac: this.frac };
  }
  get started(): boolean {
    return this.open || this.groups.length > 0;
  }
}

function fmt(v: Value): string {
  return v.frac ? `${v.int}.${v.frac}` : String(v.int);
}

export function normalizeNumbers(text: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    let prefix = '';
    let w = words[i]!;
    if (SIGN[w] && i + 1 < words.length && isNumberStart(words[i + 1]!)) {
      prefix = SIGN[w]!;
      i++;
      w = words[i]!;
    }
    if (!isNumberStart(w)) {
      out.push(w);
      i++;
      continue;
    }
    const p = new Phrase();
    let currency = '';
    let suffix = '';
    let repeat = 1;
    for (; i < words.length; i++) {
      const x = words[i]!;
      const next = words[i + 1];
      const m = /^([$€£]?)(\d+(?:\.\d+)?)$/.exec(x);
      if (m) {
        if (p.started && !p.inFraction) break;
        if (m[1]) currency = m[1];
        p.pushDigits(m[2]!);
        p.inFraction = false;
      } else if (x === 'double' || x === 'triple') {
        repeat = x === 'double' ? 2 : 3;
        continue;
      } else if ((x === 'oh' || x === 'o') && (repeat > 1 || p.lastKind === 'ones')) {
        for (let r = 0; r < repeat; r++) p.push('ones', 0);
        p.flushGroup();
      } else if (x in ONES) {
        for (let r = 0; r < repeat; r++) p.push('ones', ONES[x]!);
        if (repeat > 1) p.flushGroup();
      } else if (x in TEENS) p.push('teens', TEENS[x]!);
      else if (x in TENS) p.push('tens', TENS[x]!);
      else if (x in MULT) p.multiply(MULT[x]!);
      else if (x === 'point' && next && isNumberStart(next)) {
        p.flushGroup();
        p.groups = [p.groups.join('')];
        p.open = true;
        p.current = BigInt(p.groups.pop()!);
        p.inFraction = true;
      } else if (x === 'and' && next === 'a' && words[i + 2] === 'half') {
        p.frac = '5';
        i += 2;
      } else if (x === 'and' && next && (next in ONES || next in TEENS || next in TENS || next in MULT || next in ORD_ONES || next in ORD_TENS || next in ORD_TEENS) && p.lastKind === 'mult') {
        continue;
      } else if (x in ORD_ONES) {
        const [v, s] = ORD_ONES[x]!;
        p.push('ones', v);
        suffix = s;
        i++;
        break;
      } else if (x in ORD_TEENS) {
        p.push('teens', ORD_TEENS[x]!);
        suffix = 'th';
        i++;
        break;
      } else if (x in ORD_TENS) {
        p.push('tens', ORD_TENS[x]!);
        suffix = 'th';
        i++;
        break;
      } else if (x in ORD_MULT) {
        p.multiply(ORD_MULT[x]!);
        suffix = 'th';
        i++;
        break;
      } else if (x in PLURAL_TENS) {
        p.push('tens', PLURAL_TENS[x]!);
        suffix = 's';
        i++;
        break;
      } else if (x in PLURAL_MULT) {
        p.multiply(PLURAL_MULT[x]!);
        suffix = 's';
        i++;
        break;
      } else break;
      repeat = 1;
    }
    const v = p.value();
    if (!v) {
      out.push(prefix + w);
      i++;
      continue;
    }
    // Trailing unit words.
    const unit = words[i];
    let text = fmt(v);
    if (unit && unit in CURRENCY) {
      currency = CURRENCY[unit]!;
      i++;
      const centsAt = words[i] === 'and' ? [2, 3].find((k) => /^cents?$/.test(words[i + k] ?? '')) : undefined;
      if (centsAt !== undefined) {
        const cv = normalizeNumbers(words.slice(i + 1, i + centsAt).join(' '));
        if (/^\d{1,2}$/.test(cv)) {
          text = `${v.int}.${cv.padStart(2, '0')}`;
          i += centsAt + 1;
        }
      }
    } else if (unit && /^cents?$/.test(unit)) {
      currency = '¢';
      i++;
    } else if (unit === 'percent' || (unit === 'per' && words[i + 1] === 'cent')) {
      suffix += '%';
      i += unit === 'per' ? 2 : 1;
    }
    if (currency === '$' && v.int === '0' && v.frac) {
      currency = '¢';
      text = String(Number(v.frac.padEnd(2, '0').slice(0, 2)));
    }
    out.push(`${prefix}${currency}${text}${suffix}`);
  }
  return out.join(' ');
}

function isNumberStart(w: string): boolean {
  return w in ONES || w in TEENS || w in TENS || w in ORD_ONES || w in ORD_TEENS || w in ORD_TENS || w in PLURAL_TENS || w in PLURAL_MULT || w === 'double' || w === 'triple' || /^[$€£]?\d+(\.\d+)?$/.test(w) || (w in MULT && w !== 'hundred');
}
