import { Type, type Static } from '@sinclair/typebox';
import type { CerSpaces } from './error-rate.ts';
import { normalizerInfo } from './normalizers.ts';
import { NORMALIZER_NAMES } from '../config/normalizer-names.ts';
import { Const, Enum } from '../io/schema-types.ts';

/** What a report records about how its figures were computed, so they can be set beside another tool's. */
export const SCORING_CONVENTION = Type.Object(
  {
    normalizer: Enum(NORMALIZER_NAMES),
    normalizerVersion: Type.String({ minLength: 1 }),
    cerSpaces: Enum(['include', 'exclude'] satisfies CerSpaces[]),
    werAlignment: Const('sclite weights (correct 0, substitution 4, deletion 3, insertion 3)'),
    informationMeasures: Const('jiwer: MER, WIL, WIP from the unit-cost alignment'),
  },
  { additionalProperties: false },
);
export type ScoringConvention = Static<typeof SCORING_CONVENTION>;

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
