/**
 * What --format takes, the one list: the corpus formats (each a file of this folder, registered
 * in index.ts, whose type requires exactly these) and the two plain inputs, a folder walked for
 * audio and one audio file. Its own module so the CLI's help can name them without loading a reader.
 */
export const INPUT_FORMATS = ['nemo', 'jsonl', 'kaldi', 'librispeech', 'common-voice', 'parquet', 'folder', 'audio'] as const;

export type InputFormat = (typeof INPUT_FORMATS)[number];
export type CorpusFormatName = Exclude<InputFormat, 'folder' | 'audio'>;
