/** What a decoder returns before mixing and resampling. */
export interface DecodedAudio {
  channels: Float32Array[];
  sampleRate: number;
  format: string;
}

/** What every backend receives: 16 kHz mono float samples in [-1, 1]. */
export interface Audio16k {
  samples: Float32Array;
  /** Seconds of audio. */
  duration: number;
  source: { path: string; format: string; sampleRate: number; channels: number };
}

export const WHISPER_RATE = 16000;
