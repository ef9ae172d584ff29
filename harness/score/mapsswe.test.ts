import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { scStatsMapsswe as scStats } from '../../suites/helpers/sclite.ts';
import { seededRandom } from '../io/seeded-random.ts';
import { align } from './align.ts';
import { mapsswe, normalCdf } from './mapsswe.ts';

/**
 * MAPSSWE equals NIST sc_stats' on corpora of two systems: references of a few dozen
 * utterances, each system's hypotheses made from them by seeded random substitutions,
 * deletions and insertions at its own rates, scored by sctk sclite (SGML alignments) and piped
 * into `sc_stats -t mapsswe -v`, whose MTCH_PR_RESULTS line gives the segments, mean, standard
 * deviation and Z we must match (it prints 3 decimals).
 */
const hasSctk = (() => {
  try {
    execFileSync('sctk', ['sclite'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { status?: number }).status !== undefined;
  }
})();

const VOCAB = 'the a of to and in is it that was he for on are with as his they at be this from have or by one had not but what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know'.split(' ');

function corpus(seed: number, utterances: number, rates: [number, number]) {
  const rnd = seededRandom(seed);
  const word = () => VOCAB[Math.floor(rnd() * VOCAB.length)]!;
  const refs = Array.from({ length: utterances }, () => Array.from({ length: 3 + Math.floor(rnd() * 20) }, word));
  const corrupt = (ref: string[], rate: number) => {
    const out: string[] = [];
    for (const w of ref) {
      const r = rnd();
      if (r < rate / 3) out.push(word());
      else if (r < (2 * rate) / 3) continue;
      else if (r < rate) out.push(w, word());
      else out.push(w);
    }
    return out;
  };
  return { refs, a: refs.map((r) => corrupt(r, rates[0])), b: refs.map((r) => corrupt(r, rates[1])) };
}

describe.skipIf(!hasSctk)(`MAPSSWE against NIST sc_stats${hasSctk ? '' : ' (skipped: sctk is not installed; bin/ensure-test-tools.sh installs it)'}`, () => {
  for (const [seed, n, rates] of [
    [1, 60, [0.1, 0.2]],
    [2, 120, [0.15, 0.15]],
    [3, 40, [0.3, 0.05]],
  ] as const) {
    it(`seed ${seed}: ${n} utterances, error rates ${rates[0]} and ${rates[1]}: segments, errors, mean, sd and Z as sc_stats`, () => {
      const c = corpus(seed, n, [...rates]);
      const ours = mapsswe(c.refs.map((r, i) => ({ a: align(r, c.a[i]!).pairs, b: align(r, c.b[i]!).pairs })));
      const theirs = scStats(c.refs, c.a, c.b);
      expect({ segments: ours.segments, refWords: ours.refWords, errorsA: ours.errorsA, errorsB: ours.errorsB }).toEqual({ segments: theirs.segments, refWords: theirs.refWords, errorsA: theirs.errorsA, errorsB: theirs.errorsB });
      expect(ours.mean).toBeCloseTo(theirs.mean, 3);
      expect(ours.stdDev).toBeCloseTo(theirs.stdDev, 3);
      expect(ours.z).toBeCloseTo(theirs.z, 3);
    });
  }
});

describe('the normal distribution behind the p-value', () => {
  it('matches known quantiles: 1.96 two-sided is 5%, 2.576 is 1%, 0 is 100%', () => {
    expect(2 * (1 - normalCdf(1.959964))).toBeCloseTo(0.05, 6);
    expect(2 * (1 - normalCdf(2.575829))).toBeCloseTo(0.01, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
  });
});
