import { resolve } from 'node:path';
import { COMMON_FIELDS } from '../config-fields.ts';
import type { BackendConfig, BackendOptions, FieldSchema } from '../types.ts';
import { COMMAND_PRESETS } from './command-presets.ts';
import type { CommandSpec } from './command-spec.ts';

export type CommandOptions = BackendOptions & { command?: CommandSpec };

const OUTPUT: FieldSchema = {
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['format'], properties: { format: { const: 'text' }, lastLine: { type: 'boolean' } } },
    { type: 'object', additionalProperties: false, required: ['format', 'field'], properties: { format: { const: 'json' }, field: { type: 'string', minLength: 1 } } },
    { type: 'object', additionalProperties: false, required: ['format', 'pattern'], properties: { format: { const: 'regex' }, pattern: { type: 'string', minLength: 1 } } },
  ],
};

/** The "command" field: a preset (its names are COMMAND_PRESETS' keys, listed nowhere else), or program + args + output; preset fields can be overridden. */
export const COMMAND_FIELD: FieldSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'external transcriber: a preset, or program + args + output (preset fields can be overridden)',
  properties: {
    preset: { enum: Object.keys(COMMAND_PRESETS) },
    program: { type: 'string', minLength: 1 },
    args: { type: 'array', items: { type: 'string' } },
    output: OUTPUT,
    // execa arms one Node timer, which fires at once past 2^31 - 1 ms: a longer limit is refused as bad input, not obeyed wrongly
    timeoutMs: { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 },
    device: { type: 'string' },
    cwd: { type: 'string', description: 'relative to the config file' },
    env: { type: 'object', additionalProperties: { type: 'string' } },
  },
  anyOf: [{ required: ['preset'] }, { required: ['program', 'args', 'output'] }],
};

/** The config a command backend takes: model, threads, language (its placeholders) and the command, a preset with the entry's own fields on top. */
export const COMMAND_CONFIG: BackendConfig<CommandOptions> = {
  fields: { ...COMMON_FIELDS, command: COMMAND_FIELD },
  paths: ['model'],
  options(fields, dir) {
    const { command, ...rest } = fields as CommandOptions & { command?: Partial<CommandSpec> & { preset?: string } };
    if (!command) return rest;
    const { preset, ...own } = command;
    // the schema has already checked one or the other is complete
    const c = { ...(preset ? COMMAND_PRESETS[preset] : {}), ...own } as CommandSpec;
    return { ...rest, command: { ...c, cwd: c.cwd && resolve(dir, c.cwd) } };
  },
};
