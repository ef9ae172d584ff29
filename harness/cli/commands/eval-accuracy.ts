import { resolveCases } from '../../audio/manifest.ts';
import type { Config } from '../../config/load-config.ts';
import { accuracyCases } from '../../run/accuracy-cases.ts';
import { checkOutputs, runAccuracyGate, type GateFlags } from '../gate-terminal.ts';

/** `asr-parity eval-accuracy`: the accuracy gate on the config's fixtures (or --manifest), the report in eval_accuracy_result.json unless --output says otherwise. */
export async function run(o: GateFlags & { numTestCases?: number; manifest?: string }, config: Config): Promise<void> {
  const source = o.manifest ?? config.fixtures;
  const flags = { output: 'eval_accuracy_result.json', ...o };
  checkOutputs(flags);
  await runAccuracyGate(config, flags, { ...accuracyCases(await resolveCases(source), o.numTestCases), source });
}
