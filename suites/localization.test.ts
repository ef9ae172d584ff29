import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../backends/index.ts';
import { PARITY_MODELS } from '../fixtures/generate.ts';
import { readManifest } from '../harness/audio/manifest.ts';
import { loadConfig, type BackendEntry, type Config } from '../harness/config/load-config.ts';
import { writeReport } from '../harness/report/report-file.ts';
import type { Localization, Report } from '../harness/report/report-types.ts';
import { runGate } from '../harness/run/gate-run.ts';
import { planBackends } from '../harness/run/plan-backends.ts';
import { openReport, pageProblems, withBrowser } from './helpers/report-browser.ts';
import { describeUnless } from './helpers/visible-skip.ts';

/**
 * Per-layer localization (issue 22 item 1, README "Where it broke"): the torch engine with a
 * fault injected into one named module (its output scaled, or rounded to bfloat16) is checked
 * against the same engine clean, with --locate on one speech case. In isolation the fault is
 * named at its module and at no module before it, and no module after it fails; in propagation
 * the error spreads downstream; a clean bfloat16 run fails nothing beyond its noise floor; a
 * whisper.cpp side says why it cannot be localized. In `npm run test:extended`: every device is a
 * Python worker, plus the noise floor's bfloat16 leg per device.
 */
const CASE = 'speech-01';
const fault = (name: string, module: string, how: { scale: number } | { dtype: 'bfloat16' }): BackendEntry => ({ name, backend: 'torch-cpu-fp32', model: PARITY_MODELS.fp32, fault: { module, ...how } });
const base = loadConfig();
const config = (baseline: BackendEntry, devices: BackendEntry[], mode: 'isolation' | 'propagation'): Config => ({
  ...base,
  baseline,
  backends: devices,
  results: join(base.results, 'localization'),
  thresholds: { ...base.thresholds, evidence: 'point' },
  localization: { ...base.localization, mode },
});
const cases = readManifest(base.fixtures).filter((c) => c.id === CASE);
const torchFp32: BackendEntry = { name: 'torch-cpu-fp32', backend: 'torch-cpu-fp32', model: PARITY_MODELS.fp32 };
const ENCODER_FAULT = 'model.encoder.layers.0';
// layer 0's MLP: the fixture model's decoder layer 1 MLP outputs zeros on this case (nothing to scale);
// a sign flip, since cosine similarity does not see a positive scale
const DECODER_FAULT = 'model.decoder.layers.0.fc2';
const BF16_FAULT = 'model.encoder.layers.1';
const availability = await backends['torch-cpu-bf16']!.available();

/** `locate` null: no --locate (localization.auto decides). */
async function gate(c: Config, locate: string | null = CASE): Promise<Report> {
  return runGate({ config: c, plan: await planBackends(c), accuracy: { cases, source: c.fixtures }, ...(locate ? { locate } : {}) });
}
const located = (r: Report, name: string): Localization & { available: true } => {
  const l = r.backends.find((b) => b.name === name)!.localization;
  expect(l, `${name} has a localization`).toBeDefined();
  if (!l!.available) throw new Error(`${name}: ${l!.reason}`);
  return l!;
};
const failing = (l: Localization & { available: true }) => l.rows.filter((r) => r.verdict !== 'pass').map((r) => (r.step === undefined ? r.name : `${r.name}@${r.step}`));
/** Rows before the first row of `module` (in forward order): none of them may fail. */
const before = (l: Localization & { available: true }, module: string) => l.rows.slice(0, l.rows.findIndex((r) => r.name === module));

describeUnless(!availability.ok && `torch-cpu-bf16 cannot run here (${availability.reason})`, 'localization', () => {
  let isolation: Report;
  let propagation: Report;
  let markdown: string;
  let html: string;
  beforeAll(async () => {
    expect(cases, `fixture case ${CASE}`).toHaveLength(1);
    isolation = await gate(config(torchFp32, [fault('enc-x2', ENCODER_FAULT, { scale: 2 }), fault('dec-neg', DECODER_FAULT, { scale: -1 }), fault('enc-bf16', BF16_FAULT, { dtype: 'bfloat16' }), { name: 'clean-bf16', backend: 'torch-cpu-bf16', model: PARITY_MODELS.fp32 }], 'isolation'));
    ({ markdown, html } = await writeReport(isolation, join(base.results, 'localization')));
    propagation = await gate(config(torchFp32, [fault('enc-x2', ENCODER_FAULT, { scale: 2 })], 'propagation'));
  }, 1_800_000);

  it('a scaled encoder layer is named first, in isolation only it fails, and the device records the fault', () => {
    const l = located(isolation, 'enc-x2');
    expect(isolation.backends.find((b) => b.name === 'enc-x2')!.environment).toMatchObject({ injectedFault: `${ENCODER_FAULT} output x2` });
    expect(l.firstFailing?.name).toBe(ENCODER_FAULT);
    expect(failing(l), 'isolation: every failing tensor').toEqual([ENCODER_FAULT]);
    expect(l.floor).toMatchObject({ backend: 'torch-cpu-bf16' });
    expect(l.floor!.reason, 'the floor leg ran').toBeUndefined();
  });

  it('in propagation the same fault is still named first, and the error reaches the modules after it', () => {
    const l = located(propagation, 'enc-x2');
    expect(l.mode).toBe('propagation');
    expect(l.firstFailing?.name).toBe(ENCODER_FAULT);
    expect(failing(l).length, `propagation: ${failing(l).join(', ')}`).toBeGreaterThan(1);
  });

  it("a sign-flipped decoder MLP is named at that module at the prompt step, and only its own layer's output fails with it", () => {
    const l = located(isolation, 'dec-neg');
    expect(l.firstFailing).toMatchObject({ name: DECODER_FAULT, step: 0 });
    expect(before(l, DECODER_FAULT).filter((r) => r.verdict !== 'pass')).toEqual([]);
    for (const f of failing(l)) expect(f, 'a failing tensor outside the faulted layer').toMatch(/^model\.decoder\.layers\.0(\.fc2)?@\d+$/);
  });

  it('one layer rounded to bfloat16: in isolation its module is the first with any error at all, and every module before it is exact', () => {
    const l = located(isolation, 'enc-bf16');
    const firstErr = l.rows.find((r) => (r.relativeRmse ?? Infinity) > 0);
    expect(firstErr?.name).toBe(BF16_FAULT);
    for (const r of before(l, BF16_FAULT)) expect(r.maxAbsError, r.name).toBe(0);
  });

  it('a clean bfloat16 run fails no tensor beyond its noise floor', () => {
    const l = located(isolation, 'clean-bf16');
    expect(l.firstFailing, l.firstFailing ? `${l.firstFailing.name}: ${l.firstFailing.reasons.join('; ')}` : '').toBeNull();
    expect(l.rows.every((r) => r.floorRelativeRmse !== undefined)).toBe(true);
  });

  it('the report carries each localization: schema-valid JSON, and a Markdown section naming the first failing tensor', () => {
    const md = readFileSync(markdown, 'utf8');
    expect(md).toContain('## Where it broke');
    expect(md).toContain(`first failing tensor ${ENCODER_FAULT}`);
    expect(md).toContain(`**${ENCODER_FAULT}**`);
  });

  it('the HTML report, opened in chromium, shows each localization table, marks the first failing tensor, and plots every tensor against the floor', async () => {
    const facts = await withBrowser((b) => openReport(b, html, join(base.results, 'localization', 'report.png')));
    expect(pageProblems(isolation, facts)).toEqual([]);
    expect(facts.firstLayers).toContain(ENCODER_FAULT);
    expect(facts.plots.localization?.marks['layer-dot']).toBeGreaterThan(0);
  });

  it('without --locate, the first case whose top-1 flips is localized on its own (localization.auto), and not with auto off', async () => {
    const devices = [fault('dec-neg', DECODER_FAULT, { scale: -1 })];
    const auto = await gate(config(torchFp32, devices, 'isolation'), null);
    const l = located(auto, 'dec-neg');
    expect(l.flipStep, 'the sign-flipped MLP flips a top-1').not.toBeNull();
    expect(l.firstFailing?.name).toBe(DECODER_FAULT);
    const off = await gate({ ...config(torchFp32, devices, 'isolation'), localization: { ...base.localization, auto: false } }, null);
    expect(off.backends.find((b) => b.name === 'dec-neg')!.localization).toBeUndefined();
  });

  it("a whisper.cpp side is not localized, and says why: whisper.cpp 1.9.3's API has no per-tensor hook", async () => {
    const r = await gate(config({ name: 'cpu-fp32', backend: 'cpu-fp32' }, [torchFp32], 'isolation'));
    const l = r.backends.find((b) => b.name === 'torch-cpu-fp32')!.localization!;
    expect(l).toMatchObject({ available: false, caseId: CASE });
    if (!l.available) expect(l.reason).toMatch(/cpu-fp32: not supported by this engine .*graph evaluation callback/);
  });
});
