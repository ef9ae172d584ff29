import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { folderSha256, isModelFolder, openHfWhisperFolder } from '../../harness/checkpoint/hf-whisper-folder.ts';
import { WHISPER_LANGUAGES } from '../../harness/checkpoint/whisper-languages.ts';
import { BackendUnavailableError } from '../../harness/errors.ts';
import { sha256File } from '../../harness/io/file-sha256.ts';
import { COMMON_FIELDS } from '../config-fields.ts';
import { defineBackend, type Availability, type Backend, type BackendOptions, type LoadContext } from '../types.ts';
import { defaultThreads } from '../whisper-cpp/whisper-cpp.ts';
import { loadWorker } from '../worker/loaded-worker.ts';
import { probeTorch, type TorchProbe } from './torch-probe.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The PyTorch engine: workers/torch, a worker process speaking the protocol. */
export const TORCH_WORKER = join(ROOT, 'workers/torch/worker.py');
const DEFAULT_PYTHON = '/usr/bin/python3';
const TEN_MINUTES = 600_000;

export type TorchDtype = 'float32' | 'bfloat16' | 'float16';

export interface TorchSpec {
  name: string;
  description: string;
  /** Backend.device: cpu, gpu, npu. */
  device: string;
  precision: string;
  /** torch's device type: the worker is given `${torchDevice}` or `${torchDevice}:${index}`. */
  torchDevice: 'cpu' | 'cuda' | 'npu';
  dtype: TorchDtype;
  /** Environment variable naming the model for this backend (README, "Paths: which one wins"). */
  modelEnv: string;
  defaultModel: () => string | undefined;
}

/** The entry's fields: the family's common ones, the accelerator index, the dtype and the interpreter. */
/** A fault in one named module (transformers' path): its output scaled, or rounded through a reduced dtype. For checking that localization finds it. */
export interface TorchFault {
  module: string;
  scale?: number;
  dtype?: 'bfloat16' | 'float16';
}

export type TorchOptions = BackendOptions & { dtype?: TorchDtype; python?: string; fault?: TorchFault };

/** Why this spec cannot run with what `python` offers, or undefined when it can. */
function unavailableReason(spec: TorchSpec, dtype: TorchDtype, p: TorchProbe, index: number): string | undefined {
  if (!p.torch) return p.error ?? `torch is not installed for ${p.python}`;
  if (spec.torchDevice === 'cpu' && dtype === 'float16' && !p.cpuFloat16Matmul) return `torch ${p.torch} cannot multiply float16 matrices on the CPU (${p.cpuFloat16Error ?? 'no kernel'}): use bfloat16 on the CPU, or float16 on a GPU/NPU`;
  if (spec.torchDevice === 'cuda') {
    if (!p.cudaBuild) return `torch ${p.torch} at ${p.python} is a CPU-only build (torch.version.cuda is None)`;
    if (!p.cudaDevices?.length) return `torch ${p.torch} (CUDA ${p.cudaBuild}) sees no CUDA device`;
    if (index >= p.cudaDevices.length) return `no CUDA device ${index}: torch sees ${p.cudaDevices.length} (${p.cudaDevices.join(', ')})`;
  }
  if (spec.torchDevice === 'npu') {
    if (!p.torchNpu) return `${p.torchNpuError ?? 'torch_npu is not installed'} (the NPU backend imports torch_npu, with the CANN toolkit)`;
    if (!p.npuDevices) return `torch_npu ${p.torchNpu} sees no NPU`;
    if (index >= p.npuDevices) return `no NPU ${index}: torch_npu sees ${p.npuDevices}`;
  }
  return undefined;
}

/**
 * A model's identity for the report: the file's sha256, or for a Hugging Face folder the same
 * folder hash and format name the whisper.cpp backends record, so the two engines' records of one
 * folder compare equal (the folder is checked here too, before Python starts).
 */
async function modelHash(model: string): Promise<Record<string, string>> {
  if (!isModelFolder(model)) return { modelSha256: await sha256File(model) };
  return { modelSha256: await folderSha256(openHfWhisperFolder(model).files), modelFormat: 'hugging-face' };
}

/**
 * The PyTorch engine (workers/torch: transformers' module tree, whisper.cpp's decoding rules) as
 * named backends: CPU float32 and bfloat16, CUDA float16, Ascend NPU float16 through torch_npu
 * (the reference report's configuration). Each is a worker process of the `worker` family; this
 * factory fixes the program, the device and the dtype, and says why one cannot run here.
 */
export function torchBackend(spec: TorchSpec): Backend<TorchOptions> {
  const pythonOf = (o: TorchOptions) => o.python ?? process.env.ASR_PARITY_TORCH_PYTHON ?? DEFAULT_PYTHON;
  const modelOf = (o: TorchOptions) => o.model ?? process.env[spec.modelEnv] ?? spec.defaultModel();
  const dtypeOf = (o: TorchOptions) => o.dtype ?? spec.dtype;
  const torchDeviceOf = (o: TorchOptions) => (spec.torchDevice === 'cpu' ? 'cpu' : `${spec.torchDevice}:${o.device ?? 0}`);
  // set explicitly: torch's own default here is 1 thread (Debian's build); the same default as the whisper.cpp backends
  const threadsOf = (o: TorchOptions) => o.threads ?? defaultThreads();

  async function check(o: TorchOptions): Promise<{ ok: false; reason: string } | { ok: true; probe: TorchProbe; model: string }> {
    const model = modelOf(o);
    if (!model) return { ok: false, reason: `no model: set ${spec.modelEnv} or pass --model` };
    if (!existsSync(model)) return { ok: false, reason: `model not found: ${model}` };
    const probe = await probeTorch(pythonOf(o));
    const why = unavailableReason(spec, dtypeOf(o), probe, o.device ?? 0);
    return why ? { ok: false, reason: why } : { ok: true, probe, model };
  }

  return defineBackend<TorchOptions>({
    name: spec.name,
    description: spec.description,
    device: spec.device,
    precision: spec.precision,
    // language-detection: a multilingual model's (the worker says so at load); batch: windows encoded and decoded together
    capabilities: spec.torchDevice === 'cpu' ? ['tokens', 'forced-logits', 'tensors', 'batch', 'language-detection'] : ['tokens', 'forced-logits', 'tensors', 'device-memory', 'batch', 'language-detection'],
    outOfProcess: true,
    // whisper.cpp's language codes (the engine's prompt is built from the same list), but not
    // "auto": the engine does no language detection
    languages: WHISPER_LANGUAGES.filter((l) => l !== 'auto'),
    env: { model: spec.modelEnv },
    config: {
      fields: {
        ...COMMON_FIELDS,
        model: { type: 'string', minLength: 1, description: 'a ggml model file or a transformers Whisper folder (config.json, model.safetensors, vocab.json), relative to the config file' },
        device: { type: 'integer', minimum: 0, description: 'accelerator index (cuda:N, npu:N); ignored on the CPU' },
        dtype: { enum: ['float32', 'bfloat16', 'float16'], description: `compute dtype (default: ${spec.dtype})` },
        python: { type: 'string', minLength: 1, description: 'the Python with torch (default: ASR_PARITY_TORCH_PYTHON, else /usr/bin/python3), relative to the config file' },
        fault: {
          type: 'object',
          additionalProperties: false,
          required: ['module'],
          minProperties: 2,
          maxProperties: 2,
          properties: { module: { type: 'string', minLength: 1 }, scale: { type: 'number' }, dtype: { enum: ['bfloat16', 'float16'] } },
          description: "a fault injected into one module (transformers' path, e.g. model.encoder.layers.1): its output scaled by `scale`, or rounded to `dtype`; recorded as injectedFault. For checking localization (README, \"Where it broke\")",
        },
      },
      paths: ['model', 'python'],
    },
    // any ggml file or transformers folder: the engine casts it to its dtype
    readsModel: (model) => existsSync(model) && (!statSync(model).isDirectory() || existsSync(join(model, 'config.json'))),
    async available(o: TorchOptions = {}): Promise<Availability> {
      const c = await check(o);
      if (!c.ok) return c;
      const p = c.probe;
      return { ok: true, details: { python: p.python, torch: p.torch!, device: torchDeviceOf(o), dtype: dtypeOf(o), ...(p.cudaDevices?.length ? { cudaDevices: p.cudaDevices.join(', ') } : {}), ...(p.torchNpu ? { torchNpu: p.torchNpu } : {}) } };
    },
    async load(o: TorchOptions = {}, context: LoadContext = {}) {
      const c = await check(o);
      if (!c.ok) throw new BackendUnavailableError(spec.name, c.reason, 'see `asr-parity backends`');
      const loaded = await loadWorker(
        { name: spec.name, command: [pythonOf(o), TORCH_WORKER], cwd: ROOT, callTimeoutMs: TEN_MINUTES, loadTimeoutMs: TEN_MINUTES, signal: context.signal },
        {
          load: { model: c.model, device: torchDeviceOf(o), dtype: dtypeOf(o), threads: threadsOf(o), language: o.language ?? 'en', ...(o.fault ? { options: { fault: o.fault } } : {}) },
          audio: 'samples',
          identity: { backend: spec.name, precision: spec.precision, python: c.probe.python, ...(await modelHash(c.model)) },
        },
      );
      return { ...loaded, timedInside: true };
    },
  });
}
