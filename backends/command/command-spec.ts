import { Type, type Static } from '@sinclair/typebox';
import { Const, OneOf, StringMap } from '../../harness/io/schema-types.ts';

/**
 * stdout as the transcript (`lastLine`: only its last non-empty line), a JSON field (dot path, of
 * the last JSON line), or a regex's first group.
 */
const OUTPUT = OneOf([
  Type.Object({ format: Const('text'), lastLine: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  Type.Object({ format: Const('json'), field: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ format: Const('regex'), pattern: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
]);

/**
 * An external transcriber run once per audio file, never through a shell: program, args
 * (placeholders {audio} (the file as given), {wav16k} (a 16 kHz mono 16-bit copy), {model},
 * {device}, {language}, {threads}) and output; the timeout is per file (the process is killed
 * after it), device is what {device} becomes. A config entry's "command" field
 * (command-config.ts) is this with a preset's name allowed in place of the three required fields.
 */
export const COMMAND_SPEC = Type.Object({
  program: Type.String({ minLength: 1 }),
  args: Type.Array(Type.String()),
  output: OUTPUT,
  // execa arms one Node timer, which fires at once past 2^31 - 1 ms: a longer limit is refused as bad input, not obeyed wrongly
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 })),
  device: Type.Optional(Type.String()),
  cwd: Type.Optional(Type.String({ description: 'relative to the config file' })),
  env: Type.Optional(StringMap()),
});

export type CommandSpec = Static<typeof COMMAND_SPEC>;
