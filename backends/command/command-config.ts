import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Enum } from '../../harness/io/schema-types.ts';
import { COMMON_FIELDS } from '../config-fields.ts';
import type { BackendConfig, BackendOptions } from '../types.ts';
import { COMMAND_PRESETS } from './command-presets.ts';
import { COMMAND_SPEC, type CommandSpec } from './command-spec.ts';

export type CommandOptions = BackendOptions & { command?: CommandSpec };

const { program, args, output, ...settings } = COMMAND_SPEC.properties;

/** The "command" field: a preset (its names are COMMAND_PRESETS' keys, listed nowhere else), or program + args + output; preset fields can be overridden. */
export const COMMAND_FIELD = Type.Object(
  {
    preset: Type.Optional(Enum(Object.keys(COMMAND_PRESETS))),
    program: Type.Optional(program),
    args: Type.Optional(args),
    output: Type.Optional(output),
    ...settings,
  },
  {
    additionalProperties: false,
    description: 'external transcriber: a preset, or program + args + output (preset fields can be overridden)',
    anyOf: [{ required: ['preset'] }, { required: ['program', 'args', 'output'] }],
  },
);

/** The config a command backend takes: model, threads, language (its placeholders) and the command, a preset with the entry's own fields on top. */
export const COMMAND_CONFIG: BackendConfig<CommandOptions> = {
  fields: { ...COMMON_FIELDS, command: COMMAND_FIELD },
  paths: ['model'],
  options(fields, dir) {
    const { command, ...rest } = fields as Omit<CommandOptions, 'command'> & { command?: Static<typeof COMMAND_FIELD> };
    if (!command) return rest;
    const { preset, ...own } = command;
    // the schema has already checked one or the other is complete
    const c = { ...(preset ? COMMAND_PRESETS[preset] : {}), ...own } as CommandSpec;
    return { ...rest, command: { ...c, cwd: c.cwd && resolve(dir, c.cwd) } };
  },
};
