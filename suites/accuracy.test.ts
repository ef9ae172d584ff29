import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../harness/audio/manifest.ts';
import { loadConfig } from '../harness/config/load-config.ts';
import type { AccuracyResult } from '../harness/report/report-types.ts';
import { runAccuracy, type TranscribedRun } from '../harness/run/accuracy.ts';
import { fragmentOf, planBackends } from '../harness/run/plan-backends.ts';
import { loadBackend, transcribeCases } from '../harness/run/transcribe-cases.ts';
import { recordFragment } from './setup/report-meta.ts';
import { runnable } from './setup/skip-unavailable.ts';

/**
 * The accuracy gate: every configured device backend against the baseline on every fixture
 * (tones, noise, speech), scored per case and corpus-wide, with teacher-forced token parity.
 */
const config = loadConfig();
const cases = readManifest(config.fixtures).filter((c) => c.kind !== 'long');
const plan = await planBackends(config);
const isolation = config.isolation.enabled ? config.isolation : undefined;

function explain(a: AccuracyResult): string {
  const bad = a.cases.filter((c) => !c.exact).map((c) => `\n  ${c.id}:\n    baseline: ${c.baselineText}\n    device:   ${c.deviceText}\n${c.alignment.replace(/^/gm, '    ')}`);
  return `gate failed:\n  ${a.failures.join('\n  ')}${bad.join('')}`;
}

describe(`accuracy: device backends against ${plan.baseline.entry.name} on ${cases.length} fixtures`, () => {
  let baseline: TranscribedRun | undefined;

  beforeAll(async () => {
    if (!plan.baseline.availability.ok) return;
    const loaded = await loadBackend(plan.baseline.backend, plan.baseline.options, isolation);
    baseline = { loaded, results: await transcribeCases(loaded, cases, plan.baseline.entry.name, () => {}) };
  });
  afterAll(() => baseline?.loaded.dispose());

  it(`baseline ${plan.baseline.entry.name} transcribes every fixture`, (ctx) => {
    if (!plan.baseline.availability.ok) throw new Error(`the baseline cannot run: ${plan.baseline.availability.reason}`);
    recordFragment(ctx, fragmentOf(plan.baseline, { environment: baseline!.loaded.describe() }));
    expect(baseline!.results.map((r) => r.case.id)).toEqual(cases.map((c) => c.id));
    // a baseline that says nothing for speech would make every comparison trivially equal
    expect(baseline!.results.filter((r) => r.case.kind === 'speech' && r.result.text.trim()).length).toBe(cases.filter((c) => c.kind === 'speech').length);
  });

  for (const p of plan.devices) {
    if (!runnable(p)) continue;
    it(`${p.entry.name} matches ${plan.baseline.entry.name} (WER, CER, exact match, token parity)`, async (ctx) => {
      expect(baseline, 'baseline did not run').toBeDefined();
      let loaded;
      try {
        loaded = await loadBackend(p.backend, p.options, isolation);
      } catch (e) {
        recordFragment(ctx, fragmentOf(p, { status: 'failed', reason: (e as Error).message }));
        throw e;
      }
      try {
        const device = { loaded, results: await transcribeCases(loaded, cases, p.entry.name, () => {}) };
        const accuracy = await runAccuracy(baseline!, device, { normalizer: config.normalizer, thresholds: config.thresholds });
        recordFragment(ctx, fragmentOf(p, { environment: loaded.describe(), accuracy }));
        expect(accuracy.failures, explain(accuracy)).toEqual([]);
      } finally {
        loaded.dispose();
      }
    });
  }
});
