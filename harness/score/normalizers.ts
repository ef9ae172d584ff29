import { NORMALIZER_NAMES_TEXT, type NormalizerName } from '../config/normalizer-names.ts';
import { UsageError } from '../errors.ts';
import { normalizeBasic } from './normalize-basic.ts';
import { normalizeEnglish } from './normalize-english.ts';

export type { NormalizerName };

/** What a report records about the normalizer, so two WERs are only set side by side when they were normalized alike. */
export interface NormalizerInfo {
  name: NormalizerName;
  /** The reference implementation and the version of our port of it; bumped whenever an output can change. */
  version: string;
}

const INFO: Record<NormalizerName, NormalizerInfo> = {
  none: { name: 'none', version: 'asr-parity: trim only' },
  basic: { name: 'basic', version: 'openai/whisper BasicTextNormalizer @6e3be77, port 2' },
  english: { name: 'english', version: 'openai/whisper EnglishTextNormalizer @6e3be77 (english.json @f03d07f), port 2' },
};

export function normalizerInfo(name: string): NormalizerInfo {
  if (!Object.hasOwn(INFO, name)) throw new UsageError(name, 'unknown normalizer', `use ${NORMALIZER_NAMES_TEXT}`);
  return INFO[name as NormalizerName];
}

/** The normalizer as whisper writes it: basic and english output is not trimmed, exactly as in Python. */
export function getNormalizer(name: string): (s: string) => string {
  switch (normalizerInfo(name).name) {
    case 'none':
      return (s) => s.trim();
    case 'basic':
      return (s) => normalizeBasic(s);
    case 'english':
      return normalizeEnglish;
  }
}

/** Text normalized line by line (`asr-parity normalize`): one line in, one line out; a final newline does not make an empty last line. */
export function normalizeLines(text: string, name: string): string {
  const normalize = getNormalizer(name);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map(normalize).join('\n');
}
