/**
 * Slaney-style mel filterbank exactly as librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)
 * computes it, which is what openai/whisper ships in assets/mel_filters.npz and what whisper.cpp's
 * converters copy into every ggml file. Each step follows librosa's (and numpy's) order of float
 * operations, so the float32 result is bit-equal to the shipped arrays, not merely close
 * (suites/checkpoint.test.ts holds their SHA-256).
 */
const F_SP = 200.0 / 3;
const MIN_LOG_HZ = 1000.0;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27.0;

function hzToMel(hz: number): number {
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}
function melToHz(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

/** n_mels rows of n_fft/2+1 weights, row-major float32. */
export function melFilterbank(sampleRate: number, nFft: number, nMels: number): Float32Array {
  const nFreqs = Math.floor(nFft / 2) + 1;
  // np.fft.rfftfreq(n_fft, d=1/sr): i * (1 / (n * d))
  const binHz = 1.0 / (nFft * (1.0 / sampleRate));
  const fftFreqs = Array.from({ length: nFreqs }, (_, i) => i * binHz);
  // np.linspace(0, hz_to_mel(sr/2), n_mels + 2): i * (delta / div) + start, the last point exactly the stop
  const nPts = nMels + 2;
  const melMax = hzToMel(sampleRate / 2);
  const step = melMax / (nPts - 1);
  const melF = Array.from({ length: nPts }, (_, i) => melToHz(i === nPts - 1 ? melMax : i * step));
  const out = new Float32Array(nMels * nFreqs);
  for (let m = 0; m < nMels; m++) {
    const lo = melF[m]!, ctr = melF[m + 1]!, hi = melF[m + 2]!;
    const enorm = 2.0 / (hi - lo);
    for (let k = 0; k < nFreqs; k++) {
      const f = fftFreqs[k]!;
      // ramps = mel_f - fftfreqs; lower = -ramps[i] / fdiff[i]; upper = ramps[i + 2] / fdiff[i + 1]
      const lower = -(lo - f) / (ctr - lo);
      const upper = (hi - f) / (hi - ctr);
      // np.maximum(0, x) keeps x when they are equal: the first weight is -0, as in the shipped arrays.
      // Stored in the float32 array first, then scaled in place (weights *= enorm).
      const tri = Math.min(lower, upper);
      const w = Math.fround(0 > tri ? 0 : tri);
      out[m * nFreqs + k] = w * enorm;
    }
  }
  return out;
}
