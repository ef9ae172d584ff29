import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../backends/index.ts';
import { cannBackend } from '../backends/whisper-cpp/cann.ts';
import type { Backend, BackendOptions, Capability, LoadedBackend } from '../backends/types.ts';
import type { WorkerSpec } from '../backends/worker/worker-spec.ts';
import { FIXTURE_DIR, PARITY_MODELS } from '../fixtures/generate.ts';
import { buildAscendclStandin } from '../fixtures/standins/build-standin.ts';
import { loadAudio } from '../harness/audio/load-audio.ts';
import { defaultCpuLibrary } from '../backends/whisper-cpp/engine/cpu-engine.ts';
import { isAsrParityError } from '../harness/errors.ts';
import { skipped } from './helpers/visible-skip.ts';

/**
 * The contract every backend keeps, checked on every registered backend (a new file in
 * backends/ is picked up without an edit here) plus the CANN backend wired to the AscendCL
 * stand-in, the only way its code path runs on a machine without an NPU.
 */
const standin = buildAscendclStandin();
// The stand-in's card: a size that is not its default, so the figure must be what it was told;
// its used HBM follows the bytes the process holds on its heap, where the CPU libwhisper puts
// the weights and buffers that ggml CANN would put on the NPU (see ascendcl-standin.c).
const STANDIN_HBM_BYTES = 24 * 2 ** 30;
process.env.ACL_STANDIN_TOTAL_MB = String(STANDIN_HBM_BYTES / 2 ** 20);
process.env.ACL_STANDIN_USED = 'host-heap';
const ROOT = new URL('..', import.meta.url).pathname;
/** Workers: the registered `worker` backend given a command; what they can do is what they say at load (`claims`, checked). */
const workerSubject = (label: string, command: string[], claims: Capability[], extra: Partial<WorkerSpec> = {}) => ({ backend: backends.worker!, label, claims, options: { model: PARITY_MODELS.fp32, worker: { command, cwd: ROOT, ...extra } } });
const subjects: { backend: Backend; options: BackendOptions; deviceBytes?: number; label?: string; claims?: Capability[] }[] = [
  ...Object.values(backends).map((backend) => ({ backend, options: {} })),
  {
    backend: cannBackend({ name: 'cann-fp16-acl-standin', description: 'CANN code path on the AscendCL stand-in and the CPU libwhisper (no NPU)', requireCannDevice: false }),
    options: { aclLibrary: standin, library: defaultCpuLibrary(), model: PARITY_MODELS.fp16 },
    deviceBytes: STANDIN_HBM_BYTES,
  },
  // the README's minimal worker, word for word (the PyTorch engine's worker is the registered torch-* backends)
  workerSubject('worker (workers/minimal, the README example)', ['python3', 'workers/minimal/worker.py'], []),
];
/** The fewest bytes a whisper.cpp model's weights take per parameter, by file type: f32, f16 (1-D tensors stay f32), else 4-bit quantization's half byte. */
const MIN_WEIGHT_BYTES_PER_PARAMETER: Record<number, number> = { 0: 4, 1: 2 };
const tone = await loadAudio(`${FIXTURE_DIR}/audio/tone-440hz.wav`);
const speech = await loadAudio(`${FIXTURE_DIR}/audio/speech-03.wav`);
// State isolation: short clips (about 2 s each) that say different things, so one call's words
// carried into the next would show.
const isolationClips = await Promise.all(['speech-02', 'speech-06', 'tone-1000hz'].map(async (id) => ({ id, audio: await loadAudio(`${FIXTURE_DIR}/audio/${id}.wav`) })));
/** A fixed shuffle (not the order the fresh loads ran them in, nor its reverse), so a failure reproduces. */
const SHUFFLED = [1, 2, 0] as const;
const said = (t: { text: string; tokens?: number[] }) => JSON.stringify({ text: t.text, tokens: t.tokens ?? null });

/**
 * The engines that run out of process and pay a process start per load or per call (PyTorch
 * imports for seconds; PocketSphinx starts once per file) are checked in `npm run test:extended`
 * (CI runs it after `npm test`), where this file runs with ASR_PARITY_CONFORMANCE=external; the
 * other backends run in `npm test`. Each side skips the other's visibly, saying where they run.
 */
const EXTERNAL = new Set(['pocketsphinx', ...Object.keys(backends).filter((n) => n.startsWith('torch-'))]);
const externalRun = process.env.ASR_PARITY_CONFORMANCE === 'external';

for (const { backend, options, deviceBytes, label, claims } of subjects) {
  if (EXTERNAL.has(label ?? backend.name) !== externalRun) {
    describe(`backend ${label ?? backend.name}`, () => {
      skipped('conformance', externalRun ? 'checked in npm test' : 'checked in npm run test:extended (CI runs it after npm test): an engine that starts a process per load or call');
    });
    continue;
  }
  const availability = await backend.available(options);
  const caps = claims ?? backend.capabilities;

  describe(`backend ${label ?? backend.name}`, () => {
    it('declares its identity', () => {
      expect(backend.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(backend.description.length).toBeGreaterThan(10);
      expect(backend.device.length).toBeGreaterThan(0);
      expect(backend.precision.length).toBeGreaterThan(0);
      expect(Array.isArray(backend.capabilities)).toBe(true);
    });

    if (!availability.ok) {
      it(`says why it cannot run (${availability.reason}), and refuses to load with a typed error`, async () => {
        expect(availability.reason.length).toBeGreaterThan(15);
        const err = await backend.load(options).then(
          (b) => (b.dispose(), undefined),
          (e: unknown) => e,
        );
        expect(isAsrParityError(err), String(err)).toBe(true);
      });
      return;
    }

    let loaded: LoadedBackend;
    beforeAll(async () => {
      loaded = await backend.load(options);
    });
    afterAll(() => loaded?.dispose());

    it('reports its load time and what produced its results', () => {
      expect(Number.isFinite(loaded.loadMs) && loaded.loadMs >= 0).toBe(true);
      const d = loaded.describe();
      expect(d.backend).toBe(backend.name);
      for (const v of Object.values(d)) expect(['string', 'number', 'boolean']).toContain(typeof v);
      // a backend that says at load what it can do says what it is checked for here
      if (loaded.capabilities) expect([...loaded.capabilities].sort()).toEqual([...caps].sort());
    });

    it('transcribes a tone and speech, with timings', async () => {
      const t = await loaded.transcribe(tone);
      expect(typeof t.text).toBe('string');
      const s = await loaded.transcribe(speech);
      expect(s.text.trim().length).toBeGreaterThan(0);
      for (const r of [t, s]) expect(r.timings.totalMs).toBeGreaterThan(0);
    });

    it('is deterministic over repeated calls', async () => {
      const runs = [await loaded.transcribe(speech), await loaded.transcribe(speech), await loaded.transcribe(speech)];
      expect(new Set(runs.map((r) => r.text)).size).toBe(1);
      expect(new Set(runs.map((r) => JSON.stringify(r.tokens ?? null))).size).toBe(1);
    });

    it('keeps no state between calls: each clip says the same first on a fresh load, after other clips, in a shuffled order, and on a reused load', async (ctx) => {
      // first: each clip as the only call on a fresh load
      const first = new Map<string, string>();
      for (const c of isolationClips) {
        const fresh = await backend.load(options);
        try {
          first.set(c.id, said(await fresh.transcribe(c.audio)));
        } finally {
          fresh.dispose();
        }
      }
      // an engine that says the same for every clip (the README's loudness worker on clips of one
      // length) cannot show carried-over words: skipped, with the reason in the test output
      if (new Set(first.values()).size < isolationClips.length) return ctx.skip(`${label ?? backend.name} says the same for clips ${isolationClips.map((c) => c.id).join(', ')}: state carried over could not show`);
      // then on the suite's load, reused since its earlier calls, in a shuffled order: each clip
      // after other clips (one pass keeps it cheap: a command backend starts a process per call)
      for (const i of SHUFFLED) {
        const c = isolationClips[i]!;
        expect(said(await loaded.transcribe(c.audio)), `${c.id} in order ${SHUFFLED.map((k) => isolationClips[k]!.id).join(', ')} on a reused load`).toBe(first.get(c.id));
      }
    });

    if (caps.includes('tokens')) {
      it('returns the token ids of its transcript', async () => {
        const s = await loaded.transcribe(speech);
        expect(s.tokens!.length).toBeGreaterThan(0);
        expect(s.tokens!.every((t) => Number.isInteger(t) && t >= 0)).toBe(true);
      });
    }

    if (caps.includes('forced-logits')) {
      it('decodes with given tokens: one logit vector per step, whose top-1 is its own greedy choice', async () => {
        const s = await loaded.transcribe(speech);
        const steps = await loaded.forcedLogits!(speech, s.tokens!);
        expect(steps).toHaveLength(s.tokens!.length + 1);
        const argmax = (v: Float32Array) => v.reduce((best, x, i) => (x > v[best]! ? i : best), 0);
        expect(steps.slice(0, -1).map(argmax)).toEqual(s.tokens);
        for (const v of steps) expect(v.every(Number.isFinite)).toBe(true);
      });
    }

    if (caps.includes('tensors')) {
      it('returns named tensors in forward order, whose logits at each step are its forced logits', async () => {
        const s = await loaded.transcribe(speech);
        const steps = [0, Math.min(2, s.tokens!.length)];
        const c = await loaded.tensors!(speech, s.tokens!, { steps, values: true });
        const forced = await loaded.forcedLogits!(speech, s.tokens!);
        const names = c.tensors.map((t) => t.name);
        expect(names[0]).toBe('log_mel');
        expect(names).toContain('model.encoder.layer_norm');
        for (const step of steps) {
          const logits = c.tensors.find((t) => t.name === 'proj_out' && t.step === step)!;
          const last = logits.values!.subarray(logits.values!.length - forced[step]!.length);
          expect([...last], `proj_out at step ${step}: the forced logits of that step`).toEqual([...forced[step]!]);
        }
        for (const t of c.tensors) expect(t.values!.length, t.name).toBe(t.shape.reduce((a, b) => a * b, 1));
      });
    }

    if (caps.includes('batch')) {
      it('transcribes a batch of a tone and speech (two lengths): a transcript each, in order, each its transcript alone', async () => {
        const alone = [await loaded.transcribe(tone), await loaded.transcribe(speech)];
        const batched = await loaded.transcribeBatch!([tone, speech]);
        expect(batched.map((t) => t.text)).toEqual(alone.map((t) => t.text));
      });
    }

    if (caps.includes('language-detection')) {
      it('identifies a language: one of those it gives a probability, the most probable, the probabilities summing to 1', async () => {
        const d = await loaded.detectLanguage!(speech);
        const p = Object.values(d.probabilities);
        expect(p.length).toBeGreaterThan(1);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
        expect(d.probabilities[d.language]).toBe(Math.max(...p));
      });
    }

    if (caps.includes('device-memory')) {
      it(`reports device memory consistent with the device size${deviceBytes ? ` (${deviceBytes / 2 ** 30} GiB)` : ''} and the model it holds`, () => {
        // runs after the transcriptions above: the peak covers them
        const m = loaded.memory!();
        if (deviceBytes) expect(m.totalBytes, 'total: the size the device was given').toBe(deviceBytes);
        else expect(m.totalBytes).toBeGreaterThan(0);
        // the weights are on the device once loaded
        const d = loaded.describe();
        const weightBytes = typeof d.modelParameters === 'number' ? d.modelParameters * (MIN_WEIGHT_BYTES_PER_PARAMETER[Number(d.modelFtype)] ?? 0.5) : 1;
        expect(m.allocatedBytes, `allocated after load, at least the weights (${weightBytes} bytes)`).toBeGreaterThanOrEqual(weightBytes);
        expect(m.peakBytes!).toBeGreaterThanOrEqual(m.allocatedBytes!);
        expect(m.peakBytes!).toBeLessThanOrEqual(m.totalBytes!);
      });
    }

    if (backend.outOfProcess) {
      it('reports its own process memory (the caller\'s RSS holds none of it): RSS before load, now and peak, with the weights in it', () => {
        const m = loaded.processMemory?.();
        expect(m, 'an out-of-process backend reports its process memory').toBeDefined();
        expect(m!.rssBeforeLoadBytes).toBeGreaterThan(0);
        expect(m!.peakRssBytes).toBeGreaterThanOrEqual(m!.rssBytes);
        const d = loaded.describe();
        const bytesPerWeight: Record<string, number> = { float32: 4, bfloat16: 2, float16: 2 };
        // on the CPU the weights live in the process: loading them adds at least their bytes
        if (typeof d.modelParameters === 'number' && d.device === 'cpu' && typeof d.dtype === 'string' && bytesPerWeight[d.dtype]) {
          const weights = d.modelParameters * bytesPerWeight[d.dtype]!;
          expect(m!.rssBytes - m!.rssBeforeLoadBytes, `RSS added by loading ${d.modelParameters} ${d.dtype} weights (${weights} bytes)`).toBeGreaterThanOrEqual(weights);
        }
      });
    }

    it('frees its resources: calls after dispose are refused with a typed error, and dispose is idempotent', async () => {
      const b = await backend.load(options);
      b.dispose();
      b.dispose();
      const err = await b.transcribe(tone).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAsrParityError(err), String(err)).toBe(true);
    });
  });
}
