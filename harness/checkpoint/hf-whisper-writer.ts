import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WhisperHparams } from './ggml-file.ts';
import { tokenString } from './gpt2-bytes.ts';
import { SafetensorsWriter, type SafetensorsTensorSpec } from './safetensors.ts';
import { WHISPER_LANGUAGES } from './whisper-languages.ts';
import { whisperLayout, type LayoutTensor, type WhisperDims } from './whisper-layout.ts';

/**
 * Writes a Whisper folder in transformers' layout (config.json, model.safetensors, vocab.json,
 * added_tokens.json, preprocessor_config.json, generation_config.json): `convert` from a ggml file,
 * the fixtures' parity models, and the full-size model, whose weights are streamed tensor by
 * tensor through `HfWhisperWriter` so that 3 GB never sit in memory.
 */

export function dimsOf(h: WhisperHparams): WhisperDims {
  return {
    dModel: h.nAudioState,
    encoderLayers: h.nAudioLayer,
    decoderLayers: h.nTextLayer,
    encoderFfn: 4 * h.nAudioState,
    decoderFfn: 4 * h.nTextState,
    numMelBins: h.nMels,
    vocabSize: h.nVocab,
    maxSourcePositions: h.nAudioCtx,
    maxTargetPositions: h.nTextCtx,
  };
}

/** The special tokens' ids as whisper.cpp assigns them from n_vocab (src/whisper.cpp, whisper_vocab), named as openai/whisper's tokenizer names them. */
export function specialTokens(nVocab: number): { name: string; id: number }[] {
  const multilingual = nVocab >= 51865;
  const eot = multilingual ? 50257 : 50256;
  const nLang = nVocab - 51765 - (multilingual ? 1 : 0);
  const dt = multilingual ? nLang - 98 : 0;
  const translate = 50357 + dt;
  const out = [
    { name: '<|endoftext|>', id: eot },
    { name: '<|startoftranscript|>', id: eot + 1 },
  ];
  for (let id = eot + 2; id < translate; id++) out.push({ name: `<|${WHISPER_LANGUAGES[id - eot - 1] ?? `lang${id}`}|>`, id });
  ['<|translate|>', '<|transcribe|>', '<|startoflm|>', '<|startofprev|>', '<|nospeech|>', '<|notimestamps|>'].forEach((name, i) => out.push({ name, id: translate + i }));
  const beg = translate + 6;
  for (let id = beg; id < nVocab; id++) out.push({ name: `<|${((id - beg) * 0.02).toFixed(2)}|>`, id });
  return out.filter((t) => t.id < nVocab);
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Everything but the weights. */
export function writeHfWhisperMetadata(dir: string, h: WhisperHparams, vocab: readonly Buffer[]): void {
  mkdirSync(dir, { recursive: true });
  const specials = specialTokens(h.nVocab);
  const id = (name: string) => specials.find((s) => s.name === name)!.id;
  const eot = id('<|endoftext|>');
  const multilingual = h.nVocab >= 51865;
  const d = dimsOf(h);
  writeFileSync(
    join(dir, 'config.json'),
    json({
      architectures: ['WhisperForConditionalGeneration'],
      model_type: 'whisper',
      d_model: d.dModel,
      encoder_layers: d.encoderLayers,
      encoder_attention_heads: h.nAudioHead,
      encoder_ffn_dim: d.encoderFfn,
      decoder_layers: d.decoderLayers,
      decoder_attention_heads: h.nTextHead,
      decoder_ffn_dim: d.decoderFfn,
      num_mel_bins: d.numMelBins,
      vocab_size: d.vocabSize,
      max_source_positions: d.maxSourcePositions,
      max_target_positions: d.maxTargetPositions,
      activation_function: 'gelu',
      scale_embedding: false,
      tie_word_embeddings: true,
      bos_token_id: eot,
      eos_token_id: eot,
      pad_token_id: eot,
      decoder_start_token_id: id('<|startoftranscript|>'),
      torch_dtype: 'float32',
    }),
  );
  const vocabJson: Record<string, number> = {};
  vocab.forEach((bytes, i) => {
    const s = tokenString(bytes);
    if (s in vocabJson) throw new Error(`vocabulary: tokens ${vocabJson[s]} and ${i} are the same bytes`);
    vocabJson[s] = i;
  });
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocabJson));
  writeFileSync(join(dir, 'added_tokens.json'), json(Object.fromEntries(specials.filter((s) => s.id >= vocab.length).map((s) => [s.name, s.id]))));
  writeFileSync(
    join(dir, 'preprocessor_config.json'),
    json({ feature_extractor_type: 'WhisperFeatureExtractor', processor_class: 'WhisperProcessor', feature_size: h.nMels, sampling_rate: 16000, n_fft: 400, hop_length: 160, chunk_length: 30, n_samples: 480000, nb_max_frames: 3000, padding_side: 'right', padding_value: 0.0, return_attention_mask: false }),
  );
  writeFileSync(
    join(dir, 'generation_config.json'),
    json({
      decoder_start_token_id: id('<|startoftranscript|>'),
      bos_token_id: eot,
      eos_token_id: eot,
      pad_token_id: eot,
      no_timestamps_token_id: id('<|notimestamps|>'),
      is_multilingual: multilingual,
      max_length: h.nTextCtx,
      task_to_id: { translate: id('<|translate|>'), transcribe: id('<|transcribe|>') },
      ...(multilingual ? { lang_to_id: Object.fromEntries(specials.filter((s) => s.id > eot + 1 && s.id < id('<|translate|>')).map((s) => [s.name, s.id])) } : {}),
    }),
  );
}

/** The safetensors entries of a Whisper model in transformers' names and order (`model.` prefixed; proj_out tied, so absent). */
export function hfTensorSpecs(d: WhisperDims, dtype: 'F32' | 'F16' = 'F32'): (SafetensorsTensorSpec & { layout: LayoutTensor })[] {
  return whisperLayout(d).map((t) => ({ name: `model.${t.hf}`, dtype, shape: t.shape, layout: t }));
}

/**
 * A Whisper folder written tensor by tensor: metadata at once, then `write` each tensor of
 * `specs` in order (the values in PyTorch order, which is also ggml's data order), then `close`.
 * The folder appears under its name only when complete.
 */
export class HfWhisperWriter {
  private readonly tmpDir: string;
  private readonly weights: SafetensorsWriter;
  readonly specs: ReturnType<typeof hfTensorSpecs>;

  constructor(
    readonly dir: string,
    hparams: WhisperHparams,
    vocab: readonly Buffer[],
    dtype: 'F32' | 'F16' = 'F32',
  ) {
    this.tmpDir = `${dir}.${process.pid}.tmp`;
    rmSync(this.tmpDir, { recursive: true, force: true });
    writeHfWhisperMetadata(this.tmpDir, hparams, vocab);
    this.specs = hfTensorSpecs(dimsOf(hparams), dtype);
    this.weights = SafetensorsWriter.create(join(this.tmpDir, 'model.safetensors'), this.specs, { format: 'pt' });
  }

  /** The next tensor, by its transformers name without `model.` (whisperLayout's `hf`). */
  write(hfName: string, data: Float32Array): void {
    this.weights.write(`model.${hfName}`, data);
  }

  close(): void {
    this.weights.close();
    rmSync(this.dir, { recursive: true, force: true });
    renameSync(this.tmpDir, this.dir);
  }
}
