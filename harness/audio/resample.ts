/**
 * Band-limited resampling: windowed-sinc interpolation (Kaiser window, beta 8.6) with the
 * cutoff at the lower of the two Nyquist frequencies, so downsampling filters out what would
 * alias. Kernel taps are precomputed per output phase when the ratio is rational and small
 * (16 kHz from 8, 22.05, 24, 44.1, 48, 96, 192 kHz all are), so long files stay fast.
 */
const HALF_WIDTH = 16; // zero crossings each side at the cutoff

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError(`sample rates must be positive: ${fromRate} -> ${toRate}`);
  if (fromRate === toRate) return new Float32Array(input);
  const outLen = Math.floor((input.length * toRate) / fromRate);
  const out = new Float32Array(outLen);
  if (outLen === 0 || input.length === 0) return out;
  const cutoff = Math.min(1, toRate / fromRate); // relative to the input's Nyquist
  const halfTaps = Math.ceil(HALF_WIDTH / cutoff);
  const beta = 8.6;
  const i0Beta = besselI0(beta);
  const kernel = (x: number): number => {
    if (Math.abs(x) >= halfTaps) return 0;
    const w = besselI0(beta * Math.sqrt(1 - (x / halfTaps) ** 2)) / i0Beta;
    const s = x === 0 ? 1 : Math.sin(Math.PI * cutoff * x) / (Math.PI * cutoff * x);
    return cutoff * s * w;
  };
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  const taps = 2 * halfTaps;
  const phases = up <= 4096 ? up : 0;
  // Precompute one row of taps per output phase (position of the output between two inputs).
  const table = phases ? new Float32Array(phases * taps) : undefined;
  if (table) {
    for (let p = 0; p < phases; p++) {
      const frac = ((p * down) % up) / up;
      for (let k = 0; k < taps; k++) table[p * taps + k] = kernel(frac - (k - halfTaps + 1));
    }
  }
  if (table) {
    convolvePhases(input, table, out, up, down, halfTaps);
    return out;
  }
  const n = input.length;
  for (let i = 0; i < outLen; i++) {
    const pos = (i * down) / up;
    const base = Math.floor(pos);
    const first = base - halfTaps + 1;
    const frac = pos - base;
    let acc = 0;
    for (let k = 0; k < taps; k++) {
      const j = first + k;
      if (j >= 0 && j < n) acc += input[j]! * kernel(frac - (k - halfTaps + 1));
    }
    out[i] = acc;
  }
  return out;
}

/**
 * The polyphase loop, on its own so that it stays monomorphic and hot: 2 hours of audio are
 * over 10^8 outputs. Output i sums the taps of its phase (i mod up) over input[first ..
 * first + taps), first = floor(i * down / up) - halfTaps + 1, tracked in integers. Away from
 * the ends every tap is inside the input and the bounds test is skipped (the same sum, in the
 * same order).
 */
function convolvePhases(input: Float32Array, table: Float32Array, out: Float32Array, up: number, down: number, halfTaps: number): void {
  const taps = 2 * halfTaps;
  const n = input.length;
  let base = 0; // floor(i * down / up)
  let rem = 0; // (i * down) mod up
  let phase = 0; // i mod up
  for (let i = 0; i < out.length; i++) {
    const first = base - halfTaps + 1;
    const row = phase * taps;
    let acc = 0;
    if (first >= 0 && first + taps <= n) {
      for (let k = 0; k < taps; k++) acc += input[first + k]! * table[row + k]!;
    } else {
      for (let k = 0; k < taps; k++) {
        const j = first + k;
        if (j >= 0 && j < n) acc += input[j]! * table[row + k]!;
      }
    }
    out[i] = acc;
    rem += down;
    if (rem >= up) {
      const q = Math.floor(rem / up);
      base += q;
      rem -= q * up;
    }
    if (++phase === up) phase = 0;
  }
}
