import { describe, expect, it } from 'vitest';
import type { SoakResult } from './soak.ts';
import { soakVerdict } from './soak-verdict.ts';

const MB = 2 ** 20;
const part = (slopeMb: number, fds: [number, number] = [20, 20]): SoakResult => ({
  what: 'transcriptions',
  iterations: 10,
  warmup: 2,
  rssStartBytes: 100 * MB,
  rssEndBytes: 103 * MB,
  rssGrowthBytes: 3 * MB,
  rssSlopeBytesPerIteration: slopeMb * MB,
  rssTrailBytes: [100 * MB, 103 * MB],
  fdsStart: fds[0],
  fdsEnd: fds[1],
});

describe('soakVerdict', () => {
  it('passes flat RSS with the descriptors it started with', () => {
    const v = soakVerdict([part(0.1), part(0)], 0.5);
    expect(v.failed).toBe(false);
    expect(v.parts.map((p) => [p.slopeMb, p.growthMb, p.trailMb])).toEqual([[0.1, 3, [100, 103]], [0, 3, [100, 103]]]);
  });

  it('fails when either part climbs faster than the limit, and not at the limit itself', () => {
    expect(soakVerdict([part(0.1), part(0.6)], 0.5).failed).toBe(true);
    expect(soakVerdict([part(0.5)], 0.5).failed).toBe(false);
    expect(soakVerdict([part(0.6)], 0.5).parts[0]!.climbing).toBe(true);
  });

  it('fails when a part leaks a file descriptor, or ends with fewer', () => {
    expect(soakVerdict([part(0, [20, 21])], 0.5)).toMatchObject({ failed: true, parts: [{ descriptorsChanged: true, climbing: false }] });
    expect(soakVerdict([part(0, [20, 19])], 0.5).failed).toBe(true);
  });
});
