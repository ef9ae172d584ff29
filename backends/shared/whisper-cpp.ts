import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { BackendUnavailableError } from '../../harness/errors.ts';
import { bundledLibraryPath, loadWhisperLibrary } from '../../harness/engine/whisper-library.ts';
import { WhisperModel, type DecodeOptions } from '../../harness/engine/whisper-model.ts';
import { defineBackend, type Backend, type BackendOptions, type LoadedBackend } from '../types.ts';

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
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
  defaultLibrary?: () => string | undefined;
  useGpu?: boolean;
  /** Extra precondition (a GPU, an NPU runtime) checked before loading. */
  precondition?: () => Promise<string | undefined>;
}

function resolvePaths(spec: WhisperCppSpec, opts: BackendOptions) {
  const library = opts.library ?? (spec.libraryEnv && process.env[spec.libraryEnv]) ?? process.env.ASR_PARITY_WHISPER_LIB ?? (spec.defaultLibrary ?? bundledLibraryPath)();
  const model = opts.model ?? process.env[spec.modelEnv] ?? spec.defaultModel();
  return { library, model };
}

/** A backend running whisper.cpp's C API in-process; CPU, CUDA and CANN differ only in library, model and flags. */
export function whisperCppBackend(spec: WhisperCppSpec): Backend {
  return defineBackend({
    name: spec.name,
    description: spec.description,
    device: spec.device,
    precision: spec.precision,
    env: { model: spec.modelEnv, library: spec.libraryEnv ?? 'ASR_PARITY_WHISPER_LIB' },
    async available(opts: BackendOptions = {}) {
      const { library, model } = resolvePaths(spec, opts);
      if (!library) return { ok: false, reason: `no libwhisper: set ${spec.libraryEnv ?? 'ASR_PARITY_WHISPER_LIB'}` };
      if (!existsSync(library)) return { ok: false, reason: `library not found: ${library}` };
      if (!model) return { ok: false, reason: `no model: set ${spec.modelEnv} or pass --model` };
      if (!existsSync(model)) return { ok: false, reason: `model not found: ${model} (run \`npm run fixtures\` for the generated test model)` };
      const why = await spec.precondition?.();
      return why ? { ok: false, reason: why } : { ok: true };
    },
    async load(opts: BackendOptions = {}): Promise<LoadedBackend> {
      const { library, model } = resolvePaths(spec, opts);
      if (!library) throw new BackendUnavailableError(spec.name, 'no libwhisper found', `set ${spec.libraryEnv ?? 'ASR_PARITY_WHISPER_LIB'}`);
      if (!model) throw new BackendUnavailableError(spec.name, 'no model configured', `set ${spec.modelEnv} or pass --model`);
      const why = await spec.precondition?.();
      if (why) throw new BackendUnavailableError(spec.name, why, 'run on a machine with the device, or choose another backend');
      const lib = loadWhisperLibrary(library);
      const m = WhisperModel.load(lib, model, { useGpu: spec.useGpu ?? false });
      const decode: DecodeOptions = { threads: opts.threads ?? defaultThreads(), language: opts.language ?? 'en', noTimestamps: true };
      const hash = await sha256File(model);
      return {
        loadMs: m.loadMs,
        async transcribe(audio) {
          const t = await m.transcribe(audio.samples, decode);
          return { text: t.text, tokens: t.tokens, timings: { ...t.timings } };
        },
        forcedLogits: (audio, tokens) => m.forcedLogits(audio.samples, tokens, decode),
        describe: () => ({
          backend: spec.name,
          engine: 'whisper.cpp',
          library,
          whisperVersion: lib.version,
          systemInfo: lib.systemInfo,
          model: basename(model),
          modelPath: model,
          modelBytes: m.file.bytes,
          modelSha256: hash,
          modelFtype: m.file.ftype,
          modelParameters: m.file.parameters,
          precision: spec.precision,
          threads: decode.threads,
          language: decode.language,
          greedy: true,
          temperatureFallback: false,
          noTimestamps: decode.noTimestamps,
          useGpu: spec.useGpu ?? false,
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
