import { resolveCases, type ResolveOptions } from '../../audio/manifest.ts';
import type { Config } from '../../config/load-config.ts';
import { accuracyCases } from '../../run/accuracy-cases.ts';
import { runAccuracyGate, type GateFlags } from '../gate-terminal.ts';

/** `asr-parity eval-accuracy`: the accuracy gate on the config's fixtures (or --manifest), the report in eval_accuracy_result.json unless --output says otherwise. */
export async function run(o: GateFlags & ResolveOptions & { numTestCases?: number; manifest?: string }, config: Config): Promise<void> {
  const source = o.manifest ?? config.fixtures;
  await runAccuracyGate(config, { output: 'eval_accuracy_result.json', ...o }, { ...accuracyCases(await resolveCases(source, o), o.numTestCases), source });
}
