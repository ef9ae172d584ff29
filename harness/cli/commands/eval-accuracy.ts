import { resolveCases, type ResolveOptions } from '../../audio/manifest.ts';
import type { Config } from '../../config/load-config.ts';
import { accuracySelection } from '../../run/accuracy-cases.ts';
import { powerLines } from '../../report/format-power.ts';
import { scoringFromFlags } from '../../run/plan-from-flags.ts';
import { planPower } from '../../run/plan-power.ts';
import { checkOutputs, runAccuracyGate, type GateFlags } from '../gate-terminal.ts';
import { print } from '../terminal.ts';

/** `asr-parity eval-accuracy`: the accuracy gate on the config's fixtures (or --manifest), the report in eval_accuracy_result.json unless --output says otherwise. */
export async function run(o: GateFlags & ResolveOptions & { numTestCases?: number; manifest?: string; plan?: boolean }, config: Config): Promise<void> {
  const source = o.manifest ?? config.fixtures;
  if (!o.plan) checkOutputs({ output: 'eval_accuracy_result.json', ...o });
  // only the cases this run uses are decoded before it starts
  const cases = await resolveCases(source, { ...o, select: accuracySelection(o.numTestCases) });
  if (o.plan) {
    // --plan: what this corpus can show under these thresholds, before any backend loads
    for (const l of powerLines(planPower(scoringFromFlags(config, o), cases.cases))) print(l);
    return;
  }
  await runAccuracyGate(config, { output: 'eval_accuracy_result.json', ...o }, { ...cases, source });
}
