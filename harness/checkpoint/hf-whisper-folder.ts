import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ModelError } from '../errors.ts';
import { sha256File } from '../io/file-sha256.ts';
import { tokenBytes } from './gpt2-bytes.ts';
import { openSafetensors, readSafetensor, type SafetensorsEntry, type SafetensorsFile } from './safetensors.ts';
import { PROJ_OUT, whisperLayout, type LayoutTensor, type WhisperDims } from './whisper-layout.ts';

/**
 * A Hugging Face Whisper checkpoint as `git clone` of a model repository leaves it: config.json,
 * model.safetensors (or model.safetensors.index.json and its shards), vocab.json +
 * added_tokens.json (or tokenizer.json), preprocessor_config.json. Opening it reads and checks
 * everything but the tensor data: architecture and dimensions, every safetensors header against
 * its file's size, every tensor transformers' WhisperForConditionalGeneration has, with its shape,
 * and the vocabulary. Each refusal is a ModelError naming the folder's file and what is wrong.
 */
export interface HfWhisperFolder {
  dir: string;
  dims: WhisperDims & { encoderHeads: number; decoderHeads: number };
  /** Mel front end from preprocessor_config.json (or the config's num_mel_bins where it is absent). */
  audio: { nMels: number; nFft: number; sampleRate: number };
  /** vocab.json's tokens as raw bytes in id order (0..n-1): what the ggml file stores. */
  vocab: Buffer[];
  /** The added (special) tokens by name, as the checkpoint spells them. */
  addedTokens: Map<string, number>;
  /** Every tensor of the layout, found and shape-checked; proj_out only when saved untied. */
  tensors: Map<string, { layout: LayoutTensor; file: SafetensorsFile; entry: SafetensorsEntry }>;
  /** The files that make up the checkpoint (for its content hash), config.json first. */
  files: string[];
  /** Dtypes the weights are stored in. */
  dtypes: string[];
  read(hfName: string): Float32Array;
}

const PICKLE_FILES = ['pytorch_model.bin', 'pytorch_model.bin.index.json'];

/** Whether a path is a folder (an HF checkpoint) rather than a ggml file. */
export function isModelFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readJson(dir: string, name: string, what: string): unknown {
  const path = join(dir, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ModelError(path, `missing: a Hugging Face Whisper folder needs ${name} (${what})`, 'clone the whole model repository (git lfs install; git clone https://huggingface.co/<model>)');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelError(path, `is not JSON: ${(e as Error).message}`, `restore ${name} from the model repository`);
  }
}

function readDims(dir: string): HfWhisperFolder['dims'] {
  const path = join(dir, 'config.json');
  const c = readJson(dir, 'config.json', 'the architecture and its dimensions') as Record<string, unknown>;
  const archs = Array.isArray(c.architectures) ? (c.architectures as unknown[]).map(String) : [];
  if (c.model_type !== 'whisper' && !archs.includes('WhisperForConditionalGeneration')) {
    throw new ModelError(path, `architecture ${JSON.stringify(c.model_type ?? archs[0] ?? 'unknown')} is not Whisper (model_type "whisper", WhisperForConditionalGeneration)`, 'asr-parity converts and runs Whisper checkpoints only');
  }
  const int = (key: string, fallback?: number): number => {
    const v = c[key] ?? fallback;
    if (!Number.isSafeInteger(v) || (v as number) <= 0) throw new ModelError(path, `${key} is ${JSON.stringify(c[key])}, not a positive integer`, 'the config.json of a Whisper checkpoint names every dimension');
    return v as number;
  };
  const dModel = int('d_model');
  const dims = {
    dModel,
    encoderLayers: int('encoder_layers'),
    decoderLayers: int('decoder_layers'),
    encoderHeads: int('encoder_attention_heads'),
    decoderHeads: int('decoder_attention_heads'),
    encoderFfn: int('encoder_ffn_dim', 4 * dModel),
    decoderFfn: int('decoder_ffn_dim', 4 * dModel),
    numMelBins: int('num_mel_bins'),
    vocabSize: int('vocab_size'),
    maxSourcePositions: int('max_source_positions'),
    maxTargetPositions: int('max_target_positions'),
  };
  if (dModel % dims.encoderHeads !== 0 || dModel % dims.decoderHeads !== 0) throw new ModelError(path, `d_model ${dModel} is not a multiple of the attention heads (${dims.encoderHeads}, ${dims.decoderHeads})`, 'the config.json is not a valid Whisper config');
  return dims;
}

function readAudio(dir: string, numMelBins: number): HfWhisperFolder['audio'] {
  const path = join(dir, 'preprocessor_config.json');
  if (!existsSync(path)) return { nMels: numMelBins, nFft: 400, sampleRate: 16000 };
  const p = readJson(dir, 'preprocessor_config.json', 'the mel front end') as Record<string, unknown>;
  const nMels = (p.feature_size as number) ?? numMelBins;
  if (nMels !== numMelBins) throw new ModelError(path, `feature_size ${nMels} differs from config.json's num_mel_bins ${numMelBins}`, 'the two files come from different models');
  const nFft = (p.n_fft as number) ?? 400;
  const sampleRate = (p.sampling_rate as number) ?? 16000;
  if (nFft !== 400 || sampleRate !== 16000) throw new ModelError(path, `n_fft ${nFft} at ${sampleRate} Hz: whisper.cpp computes the mel spectrogram with n_fft 400 at 16000 Hz`, 'a Whisper checkpoint uses n_fft 400 and 16 kHz');
  return { nMels, nFft, sampleRate };
}

function readVocab(dir: string, vocabSize: number): { vocab: Buffer[]; added: Map<string, number> } {
  let entries: [string, number][];
  let added: [string, number][] = [];
  let source: string;
  if (existsSync(join(dir, 'vocab.json'))) {
    source = join(dir, 'vocab.json');
    entries = Object.entries(readJson(dir, 'vocab.json', 'the tokenizer') as Record<string, number>);
    if (existsSync(join(dir, 'added_tokens.json'))) added = Object.entries(readJson(dir, 'added_tokens.json', 'the special tokens') as Record<string, number>);
  } else if (existsSync(join(dir, 'tokenizer.json'))) {
    source = join(dir, 'tokenizer.json');
    const t = readJson(dir, 'tokenizer.json', 'the tokenizer') as { model?: { vocab?: Record<string, number> }; added_tokens?: { id: number; content: string }[] };
    if (!t.model?.vocab) throw new ModelError(source, 'has no model.vocab', 'give the folder a vocab.json, or a byte-level BPE tokenizer.json');
    entries = Object.entries(t.model.vocab);
    added = (t.added_tokens ?? []).map((a) => [a.content, a.id]);
  } else {
    throw new ModelError(join(dir, 'vocab.json'), 'missing: a Hugging Face Whisper folder needs vocab.json (+ added_tokens.json) or tokenizer.json', 'clone the whole model repository');
  }
  // transformers keeps <|endoftext|> in vocab.json (the other specials in added_tokens.json);
  // whisper.cpp's convert-h5-to-ggml.py deletes it before writing, since whisper.cpp names every
  // special token itself: the ggml vocabulary is the text tokens only
  entries = entries.filter(([token]) => token !== '<|endoftext|>');
  const vocab: Buffer[] = new Array(entries.length);
  for (const [token, id] of entries) {
    if (!Number.isInteger(id) || id < 0 || id >= entries.length || vocab[id]) throw new ModelError(source, `token ${JSON.stringify(token)} has id ${id}: the ids are not 0..${entries.length - 1}, each once`, 'whisper.cpp numbers the stored tokens in order; restore the file from the model repository');
    const bytes = tokenBytes(token);
    if (!bytes) throw new ModelError(source, `token ${JSON.stringify(token)} holds a character outside GPT-2's byte-level alphabet`, 'a Whisper vocabulary is byte-level BPE; restore the file from the model repository');
    vocab[id] = bytes;
  }
  if (entries.length > vocabSize) throw new ModelError(source, `${entries.length} tokens, more than config.json's vocab_size ${vocabSize}`, 'the tokenizer and the config come from different models');
  return { vocab, added: new Map(added) };
}

function weightFiles(dir: string): { files: string[]; shardOf?: Map<string, string> } {
  const single = join(dir, 'model.safetensors');
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(single)) return { files: [single] };
  if (existsSync(index)) {
    const ix = readJson(dir, 'model.safetensors.index.json', 'the shards of the weights') as { weight_map?: Record<string, string> };
    if (!ix.weight_map || typeof ix.weight_map !== 'object') throw new ModelError(index, 'has no weight_map', 'restore the file from the model repository');
    const shardOf = new Map(Object.entries(ix.weight_map).map(([name, file]) => [name, join(dir, file)]));
    const files = [...new Set(shardOf.values())];
    for (const f of files) if (!existsSync(f)) throw new ModelError(f, 'missing: model.safetensors.index.json names this shard', 'fetch the missing shard (git lfs pull) or clone the model repository again');
    return { files, shardOf };
  }
  const pickle = PICKLE_FILES.find((f) => existsSync(join(dir, f)));
  if (pickle) {
    throw new ModelError(join(dir, pickle), 'holds PyTorch pickle weights only, which asr-parity does not load: unpickling runs code the file carries', `convert it to safetensors once: python -c "from transformers import WhisperForConditionalGeneration as W; W.from_pretrained('${dir}').save_pretrained('${dir}', safe_serialization=True)"`);
  }
  throw new ModelError(single, 'missing: no model.safetensors or model.safetensors.index.json in the folder', 'clone the whole model repository (git lfs pull fetches the weights)');
}

export function openHfWhisperFolder(dir: string): HfWhisperFolder {
  if (!isModelFolder(dir)) throw new ModelError(dir, 'is not a folder', 'give a Hugging Face Whisper folder (config.json, model.safetensors, vocab.json, ...)');
  const dims = readDims(dir);
  const audio = readAudio(dir, dims.numMelBins);
  const { files, shardOf } = weightFiles(dir);
  const opened = new Map(files.map((f) => [f, openSafetensors(f)]));
  // the `model.` prefix of WhisperForConditionalGeneration; WhisperModel's own checkpoints have none
  const all = new Map<string, SafetensorsFile>();
  for (const f of opened.values()) for (const name of f.tensors.keys()) all.set(name, f);
  const prefix = all.has('model.encoder.conv1.weight') || !all.has('encoder.conv1.weight') ? 'model.' : '';
  const tensors: HfWhisperFolder['tensors'] = new Map();
  const dtypes = new Set<string>();
  const layout = whisperLayout(dims);
  const projOut: LayoutTensor = { hf: PROJ_OUT, ggml: 'decoder.proj.weight', shape: [dims.vocabSize, dims.dModel] };
  for (const t of [...layout, projOut]) {
    const key = t === projOut ? PROJ_OUT : prefix + t.hf;
    const expectedFile = shardOf?.get(key);
    const file = expectedFile ? opened.get(expectedFile)! : all.get(key);
    const entry = file?.tensors.get(key);
    if (!file || !entry) {
      if (t === projOut) continue;
      throw new ModelError(expectedFile ?? files[0]!, `tensor ${key} is missing`, 'the checkpoint is incomplete or not a Whisper model of these dimensions');
    }
    if (entry.shape.join(',') !== t.shape.join(',')) throw new ModelError(file.path, `tensor ${key} has shape [${entry.shape.join(', ')}], config.json's dimensions need [${t.shape.join(', ')}]`, 'the weights and config.json come from different models');
    dtypes.add(entry.dtype);
    tensors.set(t.hf, { layout: t, file, entry });
  }
  const { vocab, added } = readVocab(dir, dims.vocabSize);
  const meta = ['config.json', 'preprocessor_config.json', 'vocab.json', 'added_tokens.json', 'tokenizer.json', 'model.safetensors.index.json'].map((f) => join(dir, f)).filter((f) => existsSync(f));
  return {
    dir,
    dims,
    audio,
    vocab,
    addedTokens: added,
    tensors,
    files: [...meta, ...files],
    dtypes: [...dtypes].sort(),
    read(hfName) {
      const t = tensors.get(hfName);
      if (!t) throw new ModelError(dir, `no tensor ${hfName}`, 'a bug: ask for a tensor of whisperLayout');
      return readSafetensor(t.file, t.entry);
    },
  };
}

/**
 * A folder's identity, the same for every engine that reads it (whisper.cpp through its converted
 * cache, the torch workers directly): the SHA-256 over its checkpoint files' names and SHA-256s.
 */
export async function folderSha256(files: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) h.update(`${basename(f)}\0${await sha256File(f)}\n`);
  return h.digest('hex');
}
