import { describe, expect, it } from 'vitest';
import { seededRandom } from '../io/seeded-random.ts';
import { excluded, judgeShift, latencyShift } from './latency-shift.ts';

/**
 * The regression judgement's statistics (issue 21 item 3): a latency regression is claimed only
 * when the interval of the ratio after/before lies beyond the tolerance. Checked against the
 * published Mann-Whitney critical values, and by coverage on simulated runs of known ratio.
 */
describe('latencyShift: Hodges-Lehmann ratio with the Mann-Whitney (Moses) interval', () => {
  it('leaves out the published two-sided 5% critical values of U', () => {
    // critical U for two-sided alpha = 0.05 (standard tables): reject when U <= value
    for (const [n, m, u] of [[5, 5, 2], [6, 6, 5], [8, 8, 13], [10, 10, 23], [5, 10, 8], [20, 20, 127]] as const) expect(excluded(n, m, 0.95), `${n} x ${m}`).toBe(u);
    // too few runs for any 95% interval: even the most extreme ordering has probability above 2.5%
    expect(excluded(3, 3, 0.95)).toBe(-1);
    // the normal approximation (above 50 a side) continues the exact values
    const exact = excluded(50, 50, 0.95);
    expect(Math.abs(excluded(51, 51, 0.95) - (exact * 51 * 51) / 2500)).toBeLessThan(30);
  });

  it('is the median pairwise ratio, its interval the order statistics the critical value names', () => {
    const before = [100, 110, 120, 130, 140];
    const after = [150, 160, 170, 180, 190];
    const ratios = after.flatMap((a) => before.map((b) => a / b)).sort((x, y) => x - y);
    const s = latencyShift(before, after);
    expect(s.ratio).toBeCloseTo(ratios[12]!, 12);
    expect(s.lower).toBeCloseTo(ratios[2]!, 12);
    expect(s.upper).toBeCloseTo(ratios[22]!, 12);
    expect(latencyShift([1, 2, 3], [1, 2, 3])).toMatchObject({ lower: null, upper: null });
  });

  it('covers the true ratio at least 95% of the time, and the judgement follows the interval', () => {
    const rand = seededRandom(21);
    // log-normal latencies with a heavy tail of slow runs, as a busy machine gives
    const draw = (n: number, scale: number) => Array.from({ length: n }, () => scale * 100 * Math.exp(0.3 * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand())) * (rand() < 0.1 ? 2 : 1));
    for (const trueRatio of [1, 1.5]) {
      let covered = 0;
      let regressions = 0;
      const trials = 400;
      for (let t = 0; t < trials; t++) {
        const s = latencyShift(draw(8, 1), draw(8, trueRatio));
        if (s.lower! <= trueRatio && trueRatio <= s.upper!) covered++;
        if (judgeShift(s, 0.1) === 'regression') regressions++;
      }
      // exact coverage is at least 95%; 400 trials put the observed rate within about 2.2% of it (2 sd)
      expect(covered / trials, `coverage at ratio ${trueRatio}`).toBeGreaterThan(0.928);
      // identical runs: a regression beyond 10% at most as often as the interval misses (2.5% one-sided)
      if (trueRatio === 1) expect(regressions / trials, 'false regressions on identical runs').toBeLessThan(0.03);
    }
  });

  it('judges: beyond tolerance only when the whole interval is', () => {
    const s = (lower: number | null, upper: number | null) => ({ ratio: 1, lower, upper, confidence: 0.95, runsBefore: 5, runsAfter: 5 });
    expect(judgeShift(s(1.11, 1.5), 0.1)).toBe('regression');
    expect(judgeShift(s(1.09, 1.5), 0.1)).toBe('inconclusive');
    expect(judgeShift(s(0.8, 1.1), 0.1)).toBe('no regression');
    expect(judgeShift(s(null, null), 0.1)).toBe('too few runs');
  });
});
