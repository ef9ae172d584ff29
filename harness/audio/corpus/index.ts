import commonVoice from './common-voice.ts';
import type { CorpusFormat } from './corpus-format.ts';
import type { CorpusFormatName } from './format-names.ts';
import hfParquet from './hf-parquet.ts';
import jsonl from './jsonl.ts';
import kaldi from './kaldi.ts';
import librispeech from './librispeech.ts';
import nemo from './nemo.ts';

/**
 * The corpus formats, by name: a new one is one file in this folder, one entry here and its name
 * in format-names.ts (the type below refuses one without the other). Detection
 * tries them in this order (NeMo before asr-parity's own JSON Lines, since both are .jsonl);
 * a file or folder none of them recognises is an audio file or a folder walked for audio.
 */
export const CORPUS_FORMATS = {
  nemo,
  jsonl,
  kaldi,
  librispeech,
  'common-voice': commonVoice,
  parquet: hfParquet,
} as const satisfies Record<CorpusFormatName, CorpusFormat>;
