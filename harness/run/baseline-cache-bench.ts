import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '../audio/manifest.ts';
import type { Config } from '../config/load-config.ts';
import { accuracyCases } from './accuracy-cases.ts';
import { runGate } from './gate-run.ts';
import { planBackends } from './plan-backends.ts';

/**
 * What the baseline cache saves: the accuracy gate on the config's fixtures with a cold cache
 * (a fresh folder: the baseline computes and stores every case) and then warm (every case from
 * the cache), alternated `rounds` times so load from other processes falls on both alike,
 * after one uncounted run that pays for first-call costs (JIT, page cache).
 * Backends run in this process (isolation off), so the CPU time measured is all of the work.
 */

export interface BaselineCacheBench {
  cases: number;
  rounds: number;
  baseline: string;
  devices: string[];
  cold: { wallMs: number[]; cpuMs: number[] };
  warm: { wallMs: number[]; cpuMs: number[] };
  /** Mean warm over mean cold: the share of a gate run left once the baseline comes from the cache. */
  wallRatio: number;
  cpuRatio: number;
  warmHits: string;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function baselineCacheBench(c: Config, o: { rounds: number; progress?: (m: string) => void }): Promise<BaselineCacheBench> {
  const config: Config = { ...c, isolation: { ...c.isolation, enabled: false } };
  const { cases } = accuracyCases({ cases: readManifest(c.fixtures), skipped: [] });
  const plan = await planBackends(config);
  const cold = { wallMs: [] as number[], cpuMs: [] as number[] };
  const warm = { wallMs: [] as number[], cpuMs: [] as number[] };
  let warmHits = '';
  o.progress?.('baseline cache: a warm-up run, not counted');
  await runGate({ config, plan, accuracy: { cases } });
  for (let i = 0; i < o.rounds; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'asr-parity-cache-bench-'));
    try {
      for (const [label, into] of [['cold', cold], ['warm', warm]] as const) {
        o.progress?.(`baseline cache: round ${i + 1}/${o.rounds}, ${label}`);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const r = await runGate({ config, plan, accuracy: { cases }, baselineCache: { dir } });
        into.wallMs.push(performance.now() - t0);
        const cpu = process.cpuUsage(cpu0);
        into.cpuMs.push((cpu.user + cpu.system) / 1000);
        const u = r.backends.find((b) => b.role === 'baseline')?.baselineCache;
        if (label === 'warm') warmHits = u ? `${u.transcripts.hits} of ${u.transcripts.lookups} transcripts, ${u.logits.hits} of ${u.logits.lookups} logits` : 'cache not used';
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    cases: cases.length,
    rounds: o.rounds,
    baseline: plan.baseline.entry.name,
    devices: plan.devices.filter((d) => d.availability.ok).map((d) => d.entry.name),
    cold,
    warm,
    wallRatio: mean(warm.wallMs) / mean(cold.wallMs),
    cpuRatio: mean(warm.cpuMs) / mean(cold.cpuMs),
    warmHits,
  };
}
