import { readFileSync } from 'node:fs';
import { pySplit } from './python-text.ts';

/**
 * openai/whisper's EnglishSpellingNormalizer: British to American spelling by its table
 * (whisper/normalizers/english.json, copied unchanged as whisper-english.json; MIT licence in
 * whisper-english.LICENSE). A Map, not an object, so words like "constructor" are not looked up
 * on Object.prototype.
 */
const TABLE = new Map<string, string>(Object.entries(JSON.parse(readFileSync(new URL('./whisper-english.json', import.meta.url), 'utf8')) as Record<string, string>));

export function standardizeSpellings(s: string): string {
  return pySplit(s)
    .map((w) => TABLE.get(w) ?? w)
    .join(' ');
}
