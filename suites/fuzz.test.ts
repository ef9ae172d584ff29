import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cpuFp32 from '../backends/cpu-fp32.ts';
import type { LoadedBackend } from '../backends/types.ts';
import { MANIFEST, PARITY_MODELS } from '../fixtures/generate.ts';
import { loadAudio } from '../harness/audio/load-audio.ts';
import { readManifest } from '../harness/audio/manifest.ts';
import { loadConfig } from '../harness/config/load-config.ts';
import { differentialFuzz } from '../harness/fuzz/differential-fuzz.ts';
import { loadBackend } from '../harness/load/load-backend.ts';
import { planBackends } from '../harness/run/plan-backends.ts';
import { getNormalizer } from '../harness/score/normalizers.ts';
import { runnable } from './setup/skip-unavailable.ts';

/**
 * Differential fuzzing, seeded and bounded for npm test (long hunts: `asr-parity fuzz`).
 * First the fuzzer is shown to find and shrink a real disagreement; then it hunts for one
 * between each configured device backend and the baseline.
 */
const config = loadConfig();
const normalize = getNormalizer(config.normalizer);
const clips = await Promise.all(
  readManifest(MANIFEST)
    .filter((c) => c.kind === 'speech')
    .slice(0, 3)
    .map(async (c) => ({ id: c.id, audio: await loadAudio(c.audio) })),
);
const out = mkdtempSync(join(tmpdir(), 'asr-parity-fuzz-'));

describe('the fuzzer finds and shrinks a real disagreement', () => {
  let base: LoadedBackend;
  let other: LoadedBackend;
  beforeAll(async () => {
    base = await cpuFp32.load({ model: PARITY_MODELS.fp32 });
    other = await cpuFp32.load({ model: PARITY_MODELS.otherSeedFp32 });
  });
  afterAll(() => {
    base?.dispose();
    other?.dispose();
  });

  it('between the models of two seeds, saving the shrunk case as WAV and JSON', async () => {
    const r = await differentialFuzz({ baseline: base, device: other, clips, runs: 20, seed: 7, normalize, timeLimitMs: 0, outDir: out, label: 'seed2' });
    expect(r.passed).toBe(false);
    const c = r.counterexample!;
    expect(c.baselineText).not.toBe(c.deviceText);
    // shrunk: every transformation that was not needed is gone
    expect(r.shrinks).toBeGreaterThan(0);
    expect(c.variant).toMatchObject({ noiseSnrDb: null, resampleHz: null, clipAt: null, tone: null, padBeforeMs: 0, padAfterMs: 0 });
    const saved = JSON.parse(readFileSync(c.json, 'utf8'));
    expect(saved).toMatchObject({ kind: 'fuzz', text: c.baselineText, counterexample: { variant: c.variant } });
    const replay = await loadAudio(c.wav);
    expect((await other.transcribe(replay)).text).toBe(c.deviceText);
    expect((await base.transcribe(replay)).text).toBe(c.baselineText);
  });
});

const plan = await planBackends(config);
for (const p of plan.devices) {
  // a backend that cannot run here is a visible skip with its reason, not left out
  if (!runnable(p)) continue;
  it(`${p.entry.name} agrees with ${plan.baseline.entry.name} on seeded variants of speech`, async () => {
    const base = await loadBackend(plan.baseline);
    const dev = await loadBackend(p);
    try {
      const r = await differentialFuzz({ baseline: base, device: dev, clips, runs: 4, seed: 20261124, normalize, timeLimitMs: 60_000, outDir: join(config.results, 'fuzz'), label: p.entry.name });
      expect(r.counterexample, `disagreement saved: ${r.counterexample?.json}`).toBeNull();
      expect(r.runsDone).toBe(4);
    } finally {
      base.dispose();
      dev.dispose();
    }
  });
}
