import { commandBackend } from './command/command-runner.ts';

/** Any external transcriber, configured in the config entry's "command" (program, args, output) or a preset. */
export default commandBackend({
  name: 'command',
  description: 'an external program per audio file (configured by "command")',
  device: 'external',
  precision: 'n/a',
});
