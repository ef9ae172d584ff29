import { ensureShapedModels, generateFixturesCommand, type ShapedLayout } from '../fixture-generation.ts';
import { setQuiet } from '../terminal.ts';

/** `asr-parity fixtures`: generate (or find cached) the test model and fixture audio; with --shape, the parity model at that shape instead. */
export async function run(o: { quiet?: boolean; shape?: string; layout: ShapedLayout[] }): Promise<void> {
  setQuiet(Boolean(o.quiet));
  if (o.shape) await ensureShapedModels(o.shape, o.layout, o.quiet ? () => {} : (m) => process.stderr.write(`${m}\n`));
  else await generateFixturesCommand(Boolean(o.quiet));
}
