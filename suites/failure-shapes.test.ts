import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../backends/index.ts';
import { PARITY_MODELS } from '../fixtures/generate.ts';
import { readManifest } from '../harness/audio/manifest.ts';
import { loadConfig, type BackendEntry, type Config } from '../harness/config/load-config.ts';
import type { Report } from '../harness/report/report-types.ts';
import { runGate } from '../harness/run/gate-run.ts';
import { planBackends } from '../harness/run/plan-backends.ts';
import type { FindingKind } from '../harness/score/finding.ts';
import { describeUnless } from './helpers/visible-skip.ts';

/**
 * The failure shapes of Whisper ports as named checks (issue 22 item 2, README "Failure shapes"),
 * each caught on a backend built to show it: the real torch engine with one shape laid over its
 * answers (fixtures/standins/shapes_worker.py: a loop, "Thank you." on silence, NaN logits, a
 * truncated transcript, a device other than the one asked for, fallback warnings on stderr, another
 * language identified), against the clean engine; the
 * shipped torch-cpu-bf16 in the same run fires none. Each check, switched off in the config,
 * lets its stand-in through. In `npm run test:extended`: a Python worker per device.
 */
const ROOT = resolve(import.meta.dirname, '..');
const CASES = ['speech-01', 'silence-2s', 'passage-01'];
const standin = (shape: string, device = 'cpu', options: Record<string, unknown> = {}, name = shape): BackendEntry => ({ name, backend: 'worker', model: PARITY_MODELS.fp32, command: ['/usr/bin/python3', join(ROOT, 'fixtures/standins/shapes_worker.py')], worker: { cwd: ROOT, device, dtype: 'float32', options: { shape, ...options } } });
// the fixture model gives all 100 languages one probability: these stand-ins add a bias to the engine's language logits, a model that tells languages apart
const speaks = (name: string, languageBias: Record<string, number>) => standin('language', 'cpu', { languageBias }, name);
// the same weights as a transformers folder: a baseline the planner does not take for one of the devices (same backend, model and library)
const speaksAsBaseline = (name: string, languageBias: Record<string, number>): BackendEntry => ({ ...speaks(name, languageBias), model: PARITY_MODELS.hfSeed1 });
const base = loadConfig();
const cases = readManifest(base.fixtures).filter((c) => CASES.includes(c.id));
const SHAPES: [string, FindingKind, string][] = [
  ['loop', 'repetition-loop', 'speech-01'],
  ['silence', 'non-speech-text', 'silence-2s'],
  ['nan', 'non-finite-logits', 'speech-01'],
  ['truncate', 'truncation', 'passage-01'],
];
const config = (devices: BackendEntry[], shapes: Partial<Config['failureShapes']> = {}): Config => ({
  ...base,
  baseline: { name: 'torch-cpu-fp32', backend: 'torch-cpu-fp32', model: PARITY_MODELS.fp32 },
  backends: devices,
  thresholds: { ...base.thresholds, evidence: 'point' },
  localization: { ...base.localization, auto: false },
  failureShapes: { ...base.failureShapes, ...shapes },
});
const gate = async (c: Config): Promise<Report> => runGate({ config: c, plan: await planBackends(c), accuracy: { cases, source: c.fixtures } });
const kindsOf = (r: Report, name: string) => r.backends.find((b) => b.name === name)!.accuracy!.failures.map((f) => f.kind);
const availability = await backends['torch-cpu-bf16']!.available();

describeUnless(!availability.ok && `torch-cpu-bf16 cannot run here (${availability.reason})`, 'failure shapes', () => {
  let on: Report;
  let off: Report;
  let langOn: Report;
  let langOff: Report;
  beforeAll(async () => {
    expect(cases.map((c) => c.id).sort()).toEqual([...CASES].sort());
    const devices = [...SHAPES.map(([shape]) => standin(shape)), standin('device', 'cuda:0'), standin('fallback'), { name: 'torch-cpu-bf16', backend: 'torch-cpu-bf16', model: PARITY_MODELS.fp32 }];
    on = await gate(config(devices));
    off = await gate(config([...SHAPES.map(([shape]) => standin(shape)), standin('fallback')], { maxCompressionRatio: null, nonSpeechKinds: null, nonFiniteLogits: false, minLengthRatio: null, maxTailDeletions: null, fallbackWarnings: false }));
    // language identification: a baseline that hears English against a device that hears German, and one that hears English too
    const languages = [speaks('hears-de', { de: 6 }), speaks('hears-en', { en: 6 }), speaks('hears-en-less', { en: 4 })];
    langOn = await gate({ ...config(languages), baseline: speaksAsBaseline('hears-en-baseline', { en: 6 }) });
    langOff = await gate({ ...config(languages, { languageAgreement: false }), baseline: speaksAsBaseline('hears-en-baseline', { en: 6 }) });
  }, 1_800_000);

  for (const [shape, kind, id] of SHAPES) {
    it(`${kind}: caught on the stand-in that shows it (${shape}), on ${id}, and a failure of its backend`, () => {
      const b = on.backends.find((x) => x.name === shape)!;
      expect(b.status, b.reason).toBe('ran');
      const found = b.accuracy!.failures.filter((f) => f.kind === kind);
      expect(found.map((f) => f.case), `${shape}: ${b.accuracy!.failures.map((f) => f.message).join('; ')}`).toContain(id);
      expect(b.accuracy!.passed).toBe(false);
    });
    it(`${kind}: switched off in the config, the ${shape} stand-in is not named by it`, () => expect(kindsOf(off, shape)).not.toContain(kind));
  }

  it('attestation: a worker that says it ran on cpu when cuda:0 was asked for fails its backend', () => {
    const f = on.backends.find((b) => b.name === 'device')!.accuracy!.failures.filter((x) => x.kind === 'attestation');
    expect(f.map((x) => x.message)).toContainEqual(expect.stringMatching(/device is cpu, cuda:0 was asked for/));
  });

  it('attestation: a worker that warns of operators falling back to the CPU fails its backend, by a Python warning and by a C++ line on stderr', () => {
    const b = on.backends.find((x) => x.name === 'fallback')!;
    const f = b.accuracy!.failures.filter((x) => x.kind === 'attestation').map((x) => x.message);
    expect(f, 'the Python warning at load').toContainEqual(expect.stringMatching(/fallback warning on its stderr: .*UserWarning: The operator 'aten::_weight_norm_interface' .*fall back to run on the CPU/));
    expect(f, 'the C++ line at the first transcription').toContainEqual(expect.stringMatching(/fallback warning on its stderr: \[W VariableFallbackKernel.cpp:51\].*aten::isin/));
    expect(b.accuracy!.passed).toBe(false);
  });

  it('attestation: with fallbackWarnings off, the fallback stand-in is not named by it', () => expect(kindsOf(off, 'fallback')).not.toContain('attestation'));

  it('language-mismatch: a device that identifies German where the baseline identifies English fails, on every case, naming both', () => {
    const f = langOn.backends.find((b) => b.name === 'hears-de')!.accuracy!.failures.filter((x) => x.kind === 'language-mismatch');
    expect(f.map((x) => x.case).sort()).toEqual([...CASES].sort());
    expect(f[0]!.message).toMatch(/the device detects language "de" .*the baseline "en"/);
  });

  it('language-mismatch: the same language at the same probability passes; the same language at a probability far from the baseline\'s does not', () => {
    expect(kindsOf(langOn, 'hears-en')).not.toContain('language-mismatch');
    const f = langOn.backends.find((b) => b.name === 'hears-en-less')!.accuracy!.failures.filter((x) => x.kind === 'language-mismatch');
    expect(f.map((x) => x.metric)).toContain('languageProbability');
  });

  it('language-mismatch: with languageAgreement off, neither stand-in is named by it', () => {
    expect(kindsOf(langOff, 'hears-de')).not.toContain('language-mismatch');
    expect(kindsOf(langOff, 'hears-en-less')).not.toContain('language-mismatch');
  });

  it('the shipped torch-cpu-bf16 fires no failure shape and no attestation, and its parameters are what it was asked for', () => {
    const b = on.backends.find((x) => x.name === 'torch-cpu-bf16')!;
    const shapeKinds: FindingKind[] = ['repetition-loop', 'repeated-token-run', 'non-speech-text', 'non-finite-logits', 'truncation', 'attestation', 'language-mismatch'];
    expect(b.accuracy!.failures.filter((f) => shapeKinds.includes(f.kind))).toEqual([]);
    expect(b.environment).toMatchObject({ parameterDevice: 'cpu', parameterDtype: 'bfloat16' });
  });

  it('the verdict names each failure class', () => {
    expect(on.verdict).toBe('fail');
    for (const [shape] of SHAPES) expect(on.verdictReasons.some((r) => r.backend === shape)).toBe(true);
  });
});
