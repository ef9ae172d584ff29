import type { CaseList } from '../case.ts';

/** What a corpus reader may be told by the user. */
export interface CorpusOptions {
  /** Run the commands a Kaldi `wav.scp` names (`cmd args |`): off unless the user says so, since they come from a data file. */
  allowPipes?: boolean;
}

/**
 * One corpus layout (NeMo manifest, Kaldi data folder, ...): how to recognise it by layout and
 * content, and how to read it into cases. A format is one file in this folder, listed once in
 * `index.ts`. `read` checks what it reads (each error names the file and line) but decodes no
 * audio: the caller probes every case once.
 */
export interface CorpusFormat {
  name: string;
  /** One line for --help and errors: what the format is. */
  description: string;
  /** Whether `input` (a file or folder that exists) looks like this format; cheap (reads a few kB at most). */
  detect(input: string, isDirectory: boolean): boolean;
  read(input: string, options: CorpusOptions): Promise<Omit<CaseList, 'format'>> | Omit<CaseList, 'format'>;
}

/** Typing only (unstorage's defineDriver): a format file default-exports `defineCorpusFormat({...})`. */
export const defineCorpusFormat = (f: CorpusFormat): CorpusFormat => f;
