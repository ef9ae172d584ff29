import { WHISPER_LANGUAGES } from '../../harness/checkpoint/whisper-languages.ts';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { isModelFolder } from '../../harness/checkpoint/hf-whisper-folder.ts';
import { ggmlModelFor } from './hf-model-cache.ts';
import { DeviceMemorySampler, type MemoryReader } from './device-memory-sampler.ts';
import { ggmlDeviceMemory, ggmlDevices } from './engine/ggml-devices.ts';
import { sha256File } from '../../harness/io/file-sha256.ts';
import { defaultCpuLibrary, engineFactsOf } from './engine/cpu-engine.ts';
import { loadWhisperLibrary } from './engine/whisper-library.ts';
import { inspectModelFile } from './engine/ggml-model-file.ts';
import { WhisperModel, type DecodeOptions } from './engine/whisper-model.ts';
import { BackendUnavailableError, InferenceError } from '../../harness/errors.ts';
import { COMMON_FIELDS } from '../config-fields.ts';
import { defineBackend, type Availability, type Backend, type BackendOptions, type Capability, type FieldSchema, type LoadedBackend } from '../types.ts';

export type Facts = Record<string, string | number | boolean>;

/** The ggml file type (hparams ftype) a precision runs: 0 f32, 1 f16. */
const FTYPE_OF_PRECISION: Record<string, number> = { fp32: 0, fp16: 1 };
/** The common options and a variant's own fields (declared in its spec's `fields`), validated before it sees them. */
export type WhisperCppOptions = BackendOptions;

export type ProbeResult = { ok: false; reason: string } | { ok: true; facts: Facts; memory?: MemoryReader };

/** What makes a whisper.cpp backend an accelerator one: a device probe and the ggml device it must run on. */
export interface AcceleratorSpec {
  /** Checked before any model is loaded: the runtime, the device, its identity. */
  probe(opts: WhisperCppOptions): Promise<ProbeResult>;
  /**
   * Prefix of the ggml device the library must offer and whisper.cpp must choose ("CANN", "CUDA").
   * Without one, nothing proves the work ran on the device: a CPU-only libwhisper given
   * use_gpu silently computes on the CPU.
   */
  ggmlDevice?: string;
}

export interface WhisperCppSpec {
  name: string;
  description: string;
  device: string;
  precision: string;
  /** Environment variable naming the model file for this backend. */
  modelEnv: string;
  /** Environment variable naming the library; ASR_PARITY_WHISPER_LIB is the fallback. */
  libraryEnv?: string;
  defaultModel: () => string | undefined;
  /** Without one: the CPU default, the SIMD build made at install, else the prebuilt (backends/whisper-cpp/engine/cpu-engine.ts). */
  defaultLibrary?: () => string | undefined;
  accelerator?: AcceleratorSpec;
  /** Config fields of this variant beyond the family's (model, library, threads, language, device), and which of them are paths. */
  fields?: Record<string, FieldSchema>;
  paths?: readonly string[];
}

/**
 * Paths, one precedence (README, "Paths: which one wins"): the option (a flag, else the config
 * entry), then the variant's environment variable, then its default. Resolved here only.
 */

function resolvePaths(spec: WhisperCppSpec, opts: WhisperCppOptions) {
  const library = opts.library ?? (spec.libraryEnv && process.env[spec.libraryEnv]) ?? process.env.ASR_PARITY_WHISPER_LIB ?? (spec.defaultLibrary ?? defaultCpuLibrary)();
  const model = opts.model ?? process.env[spec.modelEnv] ?? spec.defaultModel();
  return { library, model };
}

function libraryFacts(library: string): Facts {
  const lib = loadWhisperLibrary(library);
  return { library, ...engineFactsOf(library), whisperVersion: lib.version, systemInfo: lib.systemInfo, abiLayout: abiCheckOf(lib), ggmlDevices: ggmlDevices(library).map((d) => d.name).join(', ') || 'unknown' };
}

/** How the struct layout of the library was established: compared with its own compiler's, or taken from its version. */
function abiCheckOf(lib: { abi: { id: string }; layoutVerified: boolean }): string {
  return `${lib.abi.id}, ${lib.layoutVerified ? 'checked against the layout compiled into the library' : 'chosen by version'}`;
}

/** A backend running whisper.cpp's C API in-process; CPU, CUDA and CANN differ only in library, model, device probe and flags. */
export function whisperCppBackend(spec: WhisperCppSpec): Backend<WhisperCppOptions> {
  const acc = spec.accelerator;
  // language detection where the model has language tokens (whisper_is_multilingual): an English-only model's loaded backend has none
  const capabilities: Capability[] = ['tokens', 'forced-logits', 'language-detection'];
  if (acc) capabilities.push('device-memory');
  const gpuIndex = (opts: WhisperCppOptions) => opts.device ?? 0;

  /** The ggml device the accelerator needs, or why the library has none. */
  const ggmlDeviceOf = (library: string, opts: WhisperCppOptions): { index: number; name: string; description: string } | string | undefined => {
    if (!acc?.ggmlDevice) return undefined;
    const all = ggmlDevices(library);
    const matching = all.filter((d) => d.name.startsWith(acc.ggmlDevice!));
    const d = matching[gpuIndex(opts)];
    if (!d) return `${library} offers no ${acc.ggmlDevice} device ${gpuIndex(opts)} (ggml devices: ${all.map((x) => x.name).join(', ') || 'none listed'}): use a libwhisper built with the ${acc.ggmlDevice} backend`;
    return d;
  };

  return defineBackend<WhisperCppOptions>({
    name: spec.name,
    description: spec.description,
    device: spec.device,
    precision: spec.precision,
    capabilities,
    languages: WHISPER_LANGUAGES,
    env: { model: spec.modelEnv, library: spec.libraryEnv ?? 'ASR_PARITY_WHISPER_LIB' },
    config: {
      fields: { ...COMMON_FIELDS, library: { type: 'string', minLength: 1, description: 'libwhisper to load, relative to the config file' }, device: { type: 'integer', minimum: 0, description: 'accelerator index (NPU or GPU card)' }, ...spec.fields },
      paths: ['model', 'library', ...(spec.paths ?? [])],
    },
    // a ggml file of its own precision (whisper.cpp computes in the file's type), or a Hugging Face
    // folder, which load() converts to that precision: one folder named once serves both sides
    readsModel(model) {
      try {
        if (isModelFolder(model)) return true;
        return inspectModelFile(model).ftype === FTYPE_OF_PRECISION[spec.precision];
      } catch {
        return false;
      }
    },
    async available(opts: WhisperCppOptions = {}): Promise<Availability> {
      // the device first: "no NPU" says more than "no library" on a machine without one
      let facts: Facts = {};
      if (acc) {
        const p = await acc.probe(opts);
        if (!p.ok) return p;
        facts = p.facts;
      }
      const { library, model } = resolvePaths(spec, opts);
      if (!library) return { ok: false, reason: `no libwhisper: set ${spec.libraryEnv ?? 'ASR_PARITY_WHISPER_LIB'}` };
      if (!existsSync(library)) return { ok: false, reason: `library not found: ${library}` };
      if (!model) return { ok: false, reason: `no model: set ${spec.modelEnv} or pass --model` };
      if (!existsSync(model)) return { ok: false, reason: `model not found: ${model}` };
      try {
        facts = { ...libraryFacts(library), ...facts };
      } catch (e) {
        return { ok: false, reason: (e as Error).message };
      }
      const dev = ggmlDeviceOf(library, opts);
      if (typeof dev === 'string') return { ok: false, reason: dev };
      return { ok: true, details: facts };
    },
    async load(opts: WhisperCppOptions = {}): Promise<LoadedBackend> {
      const { library, model } = resolvePaths(spec, opts);
      if (!library) throw new BackendUnavailableError(spec.name, 'no libwhisper found', `set ${spec.libraryEnv ?? 'ASR_PARITY_WHISPER_LIB'}`);
      if (!model) throw new BackendUnavailableError(spec.name, 'no model configured', `set ${spec.modelEnv} or pass --model`);
      let facts: Facts = {};
      let sampler: DeviceMemorySampler | undefined;
      const lib = loadWhisperLibrary(library);
      if (acc) {
        const p = await acc.probe(opts);
        if (!p.ok) throw new BackendUnavailableError(spec.name, p.reason, 'run on a machine with the device, or choose another backend');
        facts = p.facts;
        const dev = ggmlDeviceOf(library, opts);
        if (typeof dev === 'string') throw new BackendUnavailableError(spec.name, dev, 'see `asr-parity backends`');
        const reader = p.memory ?? (dev ? () => ggmlDeviceMemory(library, dev.index) : undefined);
        if (reader) sampler = new DeviceMemorySampler(reader);
        if (dev) facts = { ggmlDevice: dev.name, deviceName: facts.deviceName ?? dev.description, ...facts };
      }
      // a Hugging Face folder becomes a cached ggml file of the precision this variant runs in
      const source = await ggmlModelFor(model, spec.precision === 'fp32' ? 'f32' : 'f16');
      sampler?.beforeLoad();
      // only this load's lines: the log is process-wide, and an earlier load that picked the device says nothing of this one
      const logMark = lib.logMark();
      const m = WhisperModel.load(lib, source.ggml, { useGpu: Boolean(acc), gpuDevice: gpuIndex(opts) });
      sampler?.afterLoad();
      if (acc?.ggmlDevice && !lib.logSince(logMark).some((l) => l.includes(`using ${acc.ggmlDevice}`))) {
        m.free();
        throw new InferenceError(model, `whisper.cpp did not pick the ${acc.ggmlDevice} device and would have run on the CPU`, 'check the device is visible to this process (driver, set_env.sh) and --device');
      }
      const decode: DecodeOptions = { threads: opts.threads ?? defaultThreads(), language: opts.language ?? 'en', noTimestamps: true };
      const hash = source.hf?.sha256 ?? (await sha256File(model));
      const engine = engineFactsOf(library);
      const measured = <T>(work: Promise<T>) => (sampler ? sampler.during(work) : work);
      return {
        loadMs: m.loadMs,
        async transcribe(audio) {
          const t = await measured(m.transcribe(audio.samples, decode));
          return { text: t.text, tokens: t.tokens, timings: { ...t.timings } };
        },
        forcedLogits: (audio, tokens) => measured(m.forcedLogits(audio.samples, tokens, decode)),
        detectLanguage: m.multilingual ? (audio) => measured(m.detectLanguage(audio.samples, decode.threads)) : undefined,
        memory: sampler && (() => sampler.memory()),
        describe: () => ({
          backend: spec.name,
          engine: 'whisper.cpp',
          library,
          ...engine,
          whisperVersion: lib.version,
          systemInfo: lib.systemInfo,
          abiLayout: abiCheckOf(lib),
          model: basename(model),
          modelPath: model,
          modelBytes: m.file.bytes,
          modelSha256: hash,
          // named as a folder: its content hash above is the identity; the cached ggml file is what whisper.cpp ran
          ...(source.hf ? { modelFormat: 'hugging-face', modelDtypes: source.hf.dtypes.join(','), modelGgml: source.ggml } : {}),
          modelFtype: m.file.ftype,
          modelParameters: m.file.parameters,
          // the weights' own type, read from the file: --model with an f32 file under cpu-fp16 is fp32 weights
          precision: weightsPrecision(m.file.ftype),
          backendPrecision: spec.precision,
          threads: decode.threads,
          language: decode.language,
          greedy: true,
          temperatureFallback: false,
          noTimestamps: decode.noTimestamps,
          useGpu: Boolean(acc),
          ...facts,
        }),
        dispose: () => m.free(),
      };
    },
  });
}

export function defaultThreads(): number {
  const env = Number(process.env.ASR_PARITY_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return 2;
}

/** ggml's file type as a precision label: 0 all f32, 1 mostly f16; the rest are quantized types, named by number. */
export function weightsPrecision(ftype: number): string {
  return ftype === 0 ? 'fp32' : ftype === 1 ? 'fp16' : `quantized (ggml ftype ${ftype})`;
}
