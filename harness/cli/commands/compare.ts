import { resolveCases, type ResolveOptions } from '../../audio/manifest.ts';
import type { Config } from '../../config/load-config.ts';
import { checkOutputs, runAccuracyGate, type GateFlags } from '../gate-terminal.ts';

/** `asr-parity compare`: the accuracy gate on the audio given (a file, a folder walked, or a corpus). */
export async function run(o: GateFlags & ResolveOptions & { audio: string }, config: Config): Promise<void> {
  checkOutputs(o);
  await runAccuracyGate(config, o, { ...(await resolveCases(o.audio, o)), source: o.audio });
}
