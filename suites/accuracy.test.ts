import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCount } from '../harness/audio/decoded-once.ts';
import { readManifest } from '../harness/audio/manifest.ts';
import { loadConfig } from '../harness/config/load-config.ts';
import type { AccuracyResult, BackendReport, Report } from '../harness/report/report-types.ts';
import { runGate } from '../harness/run/gate-run.ts';
import { planBackends } from '../harness/run/plan-backends.ts';
import { recordReport } from './setup/report-meta.ts';
import { runnable } from './setup/skip-unavailable.ts';

/**
 * The accuracy gate, through the same gate run as `asr-parity eval-accuracy`: every configured
 * device backend against the baseline on every fixture (tones, noise, speech), scored per case
 * and corpus-wide, with teacher-forced token parity. One test per backend reads its outcome.
 */
const config = loadConfig();
const cases = readManifest(config.fixtures).filter((c) => c.kind !== 'long');
const plan = await planBackends(config);
let report: Report;
let decoded = 0;

function explain(a: AccuracyResult): string {
  const bad = a.cases.filter((c) => !c.exact).map((c) => `\n  ${c.id} (${c.audio}):\n    baseline: ${c.baselineText}\n    device:   ${c.deviceText}\n${c.alignment.replace(/^/gm, '    ')}`);
  return `gate failed:\n  ${a.failures.map((f) => f.message).join('\n  ')}${bad.join('')}`;
}

function outcome(name: string): BackendReport {
  const b = report.backends.find((x) => x.name === name);
  if (!b) throw new Error(`the gate run has no result for ${name}`);
  return b;
}

describe(`accuracy: device backends against ${plan.baseline.entry.name} on ${cases.length} fixtures`, () => {
  // 43 cases, teacher-forced on both backends: a minute or two of CPU; a 2-core machine shared
  // with other test files (or other work) can take several times that in wall time
  beforeAll(async () => {
    const before = decodeCount();
    report = await runGate({ config, plan, accuracy: { cases } });
    decoded = decodeCount() - before;
  }, 900_000);

  it('decodes each case once: the baseline, every device and teacher forcing share it', () => {
    expect(decoded).toBe(cases.length);
  });

  it(`baseline ${plan.baseline.entry.name} transcribes every fixture`, (ctx) => {
    recordReport(ctx, report);
    const b = outcome(plan.baseline.entry.name);
    expect(b.status, b.reason).toBe('ran');
    const compared = report.backends.find((x) => x.accuracy);
    expect(compared, 'no device backend was compared').toBeDefined();
    const rows = compared!.accuracy!.cases;
    expect(rows.map((r) => [r.id, r.audio])).toEqual(cases.map((c) => [c.id, c.audio]));
    // a baseline that says nothing for speech would make every comparison trivially equal
    const spoken = (k: string) => k === 'speech' || k === 'passage';
    expect(rows.filter((r) => spoken(r.kind) && r.baselineText.trim()).length).toBe(cases.filter((c) => spoken(c.kind)).length);
  });

  for (const p of plan.devices) {
    if (!runnable(p)) continue;
    it(`${p.entry.name} matches ${plan.baseline.entry.name} (WER, CER, exact match, token parity)`, (ctx) => {
      recordReport(ctx, report);
      const b = outcome(p.entry.name);
      expect(b.status, `${p.entry.name} is required and ${b.status === 'failed' ? 'failed' : 'did not run'}: ${b.reason}`).toBe('ran');
      expect(b.accuracy!.failures, explain(b.accuracy!)).toEqual([]);
    });
  }
});
