import type { SoakResult } from './soak.ts';

const MB = 2 ** 20;

/** One part of a soak (transcriptions, load/free cycles) in MB, and whether it leaks. */
export interface SoakPart {
  result: SoakResult;
  growthMb: number;
  slopeMb: number;
  trailMb: number[];
  /** RSS climbs faster than the limit over the last half of the part. */
  climbing: boolean;
  /** The part ended with more or fewer file descriptors open than it started with. */
  descriptorsChanged: boolean;
}

/**
 * The soak's verdict: it fails when either part's RSS climbs faster than `maxSlopeMb` per
 * iteration over its last half, or file descriptors were leaked (or closed that were not its own).
 */
export function soakVerdict(results: readonly SoakResult[], maxSlopeMb: number): { parts: SoakPart[]; failed: boolean } {
  const parts = results.map((r) => {
    const slopeMb = r.rssSlopeBytesPerIteration / MB;
    return { result: r, growthMb: r.rssGrowthBytes / MB, slopeMb, trailMb: r.rssTrailBytes.map((x) => x / MB), climbing: slopeMb > maxSlopeMb, descriptorsChanged: r.fdsEnd !== r.fdsStart };
  });
  return { parts, failed: parts.some((p) => p.climbing || p.descriptorsChanged) };
}
