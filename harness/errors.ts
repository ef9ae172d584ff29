/**
 * Every failure asr-parity expects has a class here: a stable `code` for scripts, the
 * offending `input` (a file, a field, a backend name), and a `hint` saying what to do.
 * The CLI prints `asr-parity: <input>: <problem> (<hint>)` and exits 2; a library caller
 * can switch on `code`.
 */
export const ERROR_CODES = ['AUDIO_INPUT', 'MODEL', 'LIBRARY_ABI', 'BACKEND_UNAVAILABLE', 'CONFIG', 'USAGE', 'REPORT', 'INFERENCE', 'COMMAND_FAILED'] as const;
/** The one list of codes: the worker protocol's error schema names them from it. */
export type ErrorCode = (typeof ERROR_CODES)[number];

export abstract class AsrParityError extends Error {
  abstract readonly code: ErrorCode;
  readonly input: string;
  readonly problem: string;
  readonly hint: string | undefined;

  constructor(input: string, problem: string, hint?: string, options?: { cause?: unknown }) {
    super(`${input}: ${problem}${hint ? ` (${hint})` : ''}`, options);
    this.input = input;
    this.problem = problem;
    this.hint = hint;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

export class AudioInputError extends AsrParityError {
  readonly code = 'AUDIO_INPUT';
}
export class ModelError extends AsrParityError {
  readonly code = 'MODEL';
}
export class LibraryAbiError extends AsrParityError {
  readonly code = 'LIBRARY_ABI';
}
export class BackendUnavailableError extends AsrParityError {
  readonly code = 'BACKEND_UNAVAILABLE';
}
export class ConfigError extends AsrParityError {
  readonly code = 'CONFIG';
}
export class UsageError extends AsrParityError {
  readonly code = 'USAGE';
}
export class ReportError extends AsrParityError {
  readonly code = 'REPORT';
}
export class InferenceError extends AsrParityError {
  readonly code = 'INFERENCE';
}
export class CommandFailedError extends AsrParityError {
  readonly code = 'COMMAND_FAILED';
}

export function isAsrParityError(e: unknown): e is AsrParityError {
  return e instanceof AsrParityError;
}

const BY_CODE: Record<ErrorCode, new (input: string, problem: string, hint?: string) => AsrParityError> = {
  AUDIO_INPUT: AudioInputError,
  MODEL: ModelError,
  LIBRARY_ABI: LibraryAbiError,
  BACKEND_UNAVAILABLE: BackendUnavailableError,
  CONFIG: ConfigError,
  USAGE: UsageError,
  REPORT: ReportError,
  INFERENCE: InferenceError,
  COMMAND_FAILED: CommandFailedError,
};

/** Rebuilds a typed error that crossed a process boundary as plain data. */
export function errorFromData(d: { code: ErrorCode; input: string; problem: string; hint?: string }): AsrParityError {
  return new (BY_CODE[d.code] ?? InferenceError)(d.input, d.problem, d.hint);
}
