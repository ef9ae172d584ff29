/**
 * Floating-point operations of one Whisper encoder pass over a 30 s window (multiply and add
 * counted apart, as GFLOP/s figures count them), from the model's dimensions: the two
 * convolutions over the mel frames, then per layer the q/k/v/out projections (4 n d^2 MACs),
 * the attention scores and their weighted sum (2 n^2 d MACs) and the MLP (8 n d^2 MACs, 4x wide).
 * Layer norms, softmax and GELU are O(n d) and left out (under 0.1% at distil-large-v3's size).
 */
export interface EncoderDims {
  nMels: number;
  nState: number;
  nLayers: number;
  /** Positions after the stride-2 convolution: 1500 for a 30 s window. */
  nCtx: number;
}

export function encoderFlops(e: EncoderDims): number {
  const { nMels: m, nState: d, nLayers: L, nCtx: n } = e;
  const conv1 = 2 * 3 * m * d * (2 * n); // kernel 3, stride 1, over the 2n mel frames
  const conv2 = 2 * 3 * d * d * n; // kernel 3, stride 2
  const perLayer = 2 * (4 * n * d * d + 2 * n * n * d + 8 * n * d * d);
  return conv1 + conv2 + L * perLayer;
}
