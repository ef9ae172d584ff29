import { generateFixturesCommand } from '../fixture-generation.ts';
import { setQuiet } from '../terminal.ts';

/** `asr-parity fixtures`: generate (or find cached) the test model and fixture audio. */
export async function run(o: { quiet?: boolean }): Promise<void> {
  setQuiet(Boolean(o.quiet));
  await generateFixturesCommand(Boolean(o.quiet));
}
