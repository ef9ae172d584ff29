import { COMMAND_PRESETS } from './command/command-presets.ts';
import { commandBackend } from './command/command-runner.ts';

/** CMU PocketSphinx (Debian) through the command backend: a real external engine, so the gate is seen failing on a genuine disagreement. */
export default commandBackend({
  name: 'pocketsphinx',
  description: 'CMU PocketSphinx 5prealpha (Debian) run per file, en-us model',
  device: 'cpu',
  precision: 'n/a',
  defaultCommand: COMMAND_PRESETS.pocketsphinx,
  installHint: 'apt-get install pocketsphinx pocketsphinx-en-us',
});
