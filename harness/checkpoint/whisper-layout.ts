/**
 * A Whisper model's tensors under both names: transformers' (modeling_whisper.py, the keys of
 * WhisperForConditionalGeneration's state_dict, in its order) and whisper.cpp's (openai/whisper's
 * names, which convert-h5-to-ggml.py maps them to with its conv_map), with the shape each must
 * have. Said once here, read in both directions by `convert` and by the checkpoint reader's
 * shape check.
 */
export interface WhisperDims {
  dModel: number;
  encoderLayers: number;
  decoderLayers: number;
  encoderFfn: number;
  decoderFfn: number;
  numMelBins: number;
  vocabSize: number;
  maxSourcePositions: number;
  maxTargetPositions: number;
}

export interface LayoutTensor {
  /** transformers' state_dict key, without the `model.` prefix of WhisperForConditionalGeneration. */
  hf: string;
  ggml: string;
  /** PyTorch order (outermost first); ggml's dims are these reversed, conv biases [d] becoming [1, d]. */
  shape: number[];
}

// convert-h5-to-ggml.py's conv_map for a layer's modules (k_proj of encoder_attn is its special case)
const SELF_ATTN = { q_proj: 'attn.query', k_proj: 'attn.key', v_proj: 'attn.value', out_proj: 'attn.out' } as const;
const CROSS_ATTN = { q_proj: 'cross_attn.query', k_proj: 'cross_attn.key', v_proj: 'cross_attn.value', out_proj: 'cross_attn.out' } as const;

export function whisperLayout(d: WhisperDims): LayoutTensor[] {
  const w = d.dModel;
  const out: LayoutTensor[] = [];
  const add = (hf: string, ggml: string, shape: number[]) => out.push({ hf, ggml, shape });
  const norm = (hf: string, ggml: string) => {
    add(`${hf}.weight`, `${ggml}.weight`, [w]);
    add(`${hf}.bias`, `${ggml}.bias`, [w]);
  };
  // WhisperAttention registers k_proj (no bias: "no bias in the k_proj in original code"), v_proj, q_proj, out_proj
  const attention = (hf: string, names: Record<'q_proj' | 'k_proj' | 'v_proj' | 'out_proj', string>, ggml: string) => {
    add(`${hf}.k_proj.weight`, `${ggml}.${names.k_proj}.weight`, [w, w]);
    for (const p of ['v_proj', 'q_proj', 'out_proj'] as const) {
      add(`${hf}.${p}.weight`, `${ggml}.${names[p]}.weight`, [w, w]);
      add(`${hf}.${p}.bias`, `${ggml}.${names[p]}.bias`, [w]);
    }
  };
  const mlp = (hf: string, ggml: string, ffn: number) => {
    add(`${hf}.fc1.weight`, `${ggml}.mlp.0.weight`, [ffn, w]);
    add(`${hf}.fc1.bias`, `${ggml}.mlp.0.bias`, [ffn]);
    add(`${hf}.fc2.weight`, `${ggml}.mlp.2.weight`, [w, ffn]);
    add(`${hf}.fc2.bias`, `${ggml}.mlp.2.bias`, [w]);
    norm(`${hf}.final_layer_norm`, `${ggml}.mlp_ln`);
  };
  add('encoder.conv1.weight', 'encoder.conv1.weight', [w, d.numMelBins, 3]);
  add('encoder.conv1.bias', 'encoder.conv1.bias', [w]);
  add('encoder.conv2.weight', 'encoder.conv2.weight', [w, w, 3]);
  add('encoder.conv2.bias', 'encoder.conv2.bias', [w]);
  add('encoder.embed_positions.weight', 'encoder.positional_embedding', [d.maxSourcePositions, w]);
  for (let i = 0; i < d.encoderLayers; i++) {
    const hf = `encoder.layers.${i}`;
    const g = `encoder.blocks.${i}`;
    attention(`${hf}.self_attn`, SELF_ATTN, g);
    norm(`${hf}.self_attn_layer_norm`, `${g}.attn_ln`);
    mlp(hf, g, d.encoderFfn);
  }
  norm('encoder.layer_norm', 'encoder.ln_post');
  add('decoder.embed_tokens.weight', 'decoder.token_embedding.weight', [d.vocabSize, w]);
  add('decoder.embed_positions.weight', 'decoder.positional_embedding', [d.maxTargetPositions, w]);
  for (let i = 0; i < d.decoderLayers; i++) {
    const hf = `decoder.layers.${i}`;
    const g = `decoder.blocks.${i}`;
    attention(`${hf}.self_attn`, SELF_ATTN, g);
    norm(`${hf}.self_attn_layer_norm`, `${g}.attn_ln`);
    attention(`${hf}.encoder_attn`, CROSS_ATTN, g);
    norm(`${hf}.encoder_attn_layer_norm`, `${g}.cross_attn_ln`);
    mlp(hf, g, d.decoderFfn);
  }
  norm('decoder.layer_norm', 'decoder.ln');
  return out;
}

/** The output projection: tied to decoder.embed_tokens (transformers saves it only untied; convert-h5-to-ggml.py skips it). */
export const PROJ_OUT = 'proj_out.weight';

/** ggml dims of a tensor of the layout: PyTorch's shape reversed, a conv bias [d] stored as [d, 1] (so [1, d] in ggml order). */
export function ggmlDims(t: LayoutTensor): number[] {
  const shape = /conv[12]\.bias$/.test(t.hf) ? [t.shape[0]!, 1] : t.shape;
  return [...shape].reverse();
}
