import type { Case } from '../audio/manifest.ts';
import type { Config } from '../config/load-config.ts';
import { corpusPower, type CorpusPower } from '../score/corpus-power.ts';
import { getNormalizer } from '../score/normalizers.ts';

/** The corpus's power under this config (its thresholds, confidence, normalizer and CER convention): what `eval-accuracy --plan` prints and a report records. */
export function planPower(config: Config, cases: readonly Case[]): CorpusPower {
  return corpusPower(
    cases.map((c) => c.text),
    config.thresholds,
    getNormalizer(config.normalizer),
    config.cerSpaces,
  );
}
