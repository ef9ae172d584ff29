import type { CerSpaces } from './error-rate.ts';
import { normalizerInfo, type NormalizerName } from './normalizers.ts';

/** What a report records about how its figures were computed, so they can be set beside another tool's. */
export interface ScoringConvention {
  normalizer: NormalizerName;
  normalizerVersion: string;
  cerSpaces: CerSpaces;
  werAlignment: 'sclite weights (correct 0, substitution 4, deletion 3, insertion 3)';
  informationMeasures: 'jiwer: MER, WIL, WIP from the unit-cost alignment';
}

export function scoringConvention(normalizer: string, cerSpaces: CerSpaces): ScoringConvention {
  const info = normalizerInfo(normalizer);
  return {
    normalizer: info.name,
    normalizerVersion: info.version,
    cerSpaces,
    werAlignment: 'sclite weights (correct 0, substitution 4, deletion 3, insertion 3)',
    informationMeasures: 'jiwer: MER, WIL, WIP from the unit-cost alignment',
  };
}
