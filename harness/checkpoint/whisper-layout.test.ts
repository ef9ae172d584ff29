import { describe, expect, it } from 'vitest';
import { ggmlDims, whisperLayout } from './whisper-layout.ts';

/**
 * The layout against whisper.cpp's models/convert-h5-to-ggml.py, restated here as that script
 * renames a key (its conv_map, with encoder_attn.k_proj its special case), not from the code under
 * test. The converter's round trips cannot see a swapped name: the generated Hugging Face fixture
 * is written with this same layout, so a swap writes and reads back consistently (issue 24's
 * fresh-eyes audit: cross-attention key and value swapped passed every test).
 */
const CONV_MAP: Record<string, string> = {
  'self_attn.k_proj': 'attn.key',
  'self_attn.q_proj': 'attn.query',
  'self_attn.v_proj': 'attn.value',
  'self_attn.out_proj': 'attn.out',
  self_attn_layer_norm: 'attn_ln',
  'encoder_attn.q_proj': 'cross_attn.query',
  'encoder_attn.v_proj': 'cross_attn.value',
  'encoder_attn.out_proj': 'cross_attn.out',
  encoder_attn_layer_norm: 'cross_attn_ln',
  fc1: 'mlp.0',
  fc2: 'mlp.2',
  final_layer_norm: 'mlp_ln',
  'encoder.layer_norm.bias': 'encoder.ln_post.bias',
  'encoder.layer_norm.weight': 'encoder.ln_post.weight',
  'encoder.embed_positions.weight': 'encoder.positional_embedding',
  'decoder.layer_norm.bias': 'decoder.ln.bias',
  'decoder.layer_norm.weight': 'decoder.ln.weight',
  'decoder.embed_positions.weight': 'decoder.positional_embedding',
  'decoder.embed_tokens.weight': 'decoder.token_embedding.weight',
};
/** convert-h5-to-ggml.py's renaming: layers -> blocks, then the module name through conv_map. */
function scriptName(hf: string): string {
  if (CONV_MAP[hf]) return CONV_MAP[hf]!;
  const m = /^(encoder|decoder)\.layers\.(\d+)\.(.+)\.(weight|bias)$/.exec(hf);
  if (!m) return hf;
  const [, side, i, module, kind] = m;
  const mapped = module === 'encoder_attn.k_proj' ? 'cross_attn.key' : CONV_MAP[module!];
  return `${side}.blocks.${i}.${mapped ?? module}.${kind}`;
}

describe("the layout names every tensor as whisper.cpp's converter does", () => {
  const dims = { dModel: 8, encoderLayers: 1, decoderLayers: 2, encoderFfn: 32, decoderFfn: 32, numMelBins: 80, vocabSize: 100, maxSourcePositions: 1500, maxTargetPositions: 448 };
  const layout = whisperLayout(dims);

  it('each transformers name maps to the ggml name convert-h5-to-ggml.py gives it', () => {
    for (const t of layout) expect(t.ggml, `${t.hf}`).toBe(scriptName(t.hf));
    expect(new Set(layout.map((t) => t.ggml)).size).toBe(layout.length);
  });

  it("k_proj has no bias (WhisperAttention's), and the conv biases are stored [d, 1]", () => {
    expect(layout.filter((t) => t.hf.endsWith('k_proj.bias'))).toEqual([]);
    const dimsOf = (hf: string) => ggmlDims(layout.find((t) => t.hf === hf)!);
    expect([dimsOf('encoder.conv1.bias'), dimsOf('encoder.conv2.bias'), dimsOf('encoder.conv2.weight')]).toEqual([[1, 8], [1, 8], [3, 8, 8]]);
  });
});
