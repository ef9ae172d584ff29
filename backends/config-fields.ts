import type { FieldSchema } from './types.ts';

/**
 * The config fields most families take, with their schema, for a backend's `config.fields`.
 * Not a backend (backends/index.ts skips this file): a backend that takes none of them lists
 * its own fields only.
 */
export const MODEL_FIELD: FieldSchema = { type: 'string', minLength: 1, description: 'model: a file, or a folder such as a Hugging Face Whisper checkpoint; relative to the config file' };
export const THREADS_FIELD: FieldSchema = { type: 'integer', minimum: 1 };
export const LANGUAGE_FIELD: FieldSchema = { type: 'string', minLength: 2 };

/** model, threads and language: what the whisper.cpp, command and worker families all pass on. */
export const COMMON_FIELDS = { model: MODEL_FIELD, threads: THREADS_FIELD, language: LANGUAGE_FIELD } as const;
