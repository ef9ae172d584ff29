import { UsageError } from '../errors.ts';
import { normalizeBasic } from './normalize-basic.ts';
import { normalizeEnglish } from './normalize-english.ts';

export type NormalizerName = 'none' | 'basic' | 'english';

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
  if (!Object.hasOwn(INFO, name)) throw new UsageError(name, 'unknown normalizer', 'use none, basic or english');
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
