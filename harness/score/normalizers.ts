import { UsageError } from '../errors.ts';
import { normalizeBasic } from './normalize-basic.ts';
import { normalizeEnglish } from './normalize-english.ts';

export function getNormalizer(name: string): (s: string) => string {
  switch (name) {
    case 'none':
      return (s) => s.trim();
    case 'basic':
      return (s) => normalizeBasic(s).trim();
    case 'english':
      return normalizeEnglish;
    default:
      throw new UsageError(name, 'unknown normalizer', 'use none, basic or english');
  }
}
