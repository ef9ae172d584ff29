import { Type, type Static } from '@sinclair/typebox';

/** One case to transcribe: an audio file (or a stretch of one) and, where known, what was said. */
export interface Case {
  /** Unique within a run: two cases with one id would be compared against each other's audio. */
  id: string;
  audio: string;
  text: string;
  kind: string;
  /**
   * The stretch of `audio` this case is, in seconds, when a corpus cuts utterances from longer
   * recordings (a Kaldi `segments` file, a NeMo `offset`); absent: the whole file. No end: to the end.
   */
  segment?: { start: number; end?: number };
}

/** An input that was found but not used, and why. */
export const SKIPPED_INPUT = Type.Object({ path: Type.String(), reason: Type.String() }, { additionalProperties: false });
export type SkippedInput = Static<typeof SKIPPED_INPUT>;

/** A command a corpus named to make its audio (a Kaldi `wav.scp` pipeline), and how it was run. */
export const CORPUS_COMMAND = Type.Object(
  {
    /** Where it was written: file and line. */
    where: Type.String(),
    argv: Type.Array(Type.String()),
    /** true when it needed a shell (a pipeline, redirections); then argv is `sh -c <text>`. */
    shell: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type CorpusCommand = Static<typeof CORPUS_COMMAND>;

/** The cases of a run, the inputs found beside them that could not be used, and what the corpus was. */
export interface CaseList {
  cases: Case[];
  skipped: SkippedInput[];
  /** Which corpus format the cases were read as (`jsonl`, `nemo`, `kaldi`, ..., `folder`, `audio`). */
  format?: string;
  /** Commands run to produce audio (only with --allow-pipes). */
  commands?: CorpusCommand[];
}
