import { readFile, stat } from 'node:fs/promises';
import { AudioInputError } from '../errors.ts';
import { WHISPER_RATE, type Audio16k, type DecodedAudio } from './decoded-audio.ts';
import { decodeFlac } from './flac.ts';
import { resample } from './resample.ts';
import { decodeWav } from './wav.ts';

/** Decodes by content, not by extension: a .wav that holds FLAC still decodes. */
export async function decodeAudioBuffer(buf: Buffer, name: string): Promise<DecodedAudio> {
  if (buf.length === 0) throw new AudioInputError(name, 'empty file', 'expected WAV or FLAC audio');
  const magic = buf.toString('latin1', 0, 4);
  if (magic === 'RIFF') return decodeWav(buf, name);
  if (magic === 'fLaC') return decodeFlac(buf, name);
  throw new AudioInputError(name, 'not a WAV or FLAC file (unrecognised header)', 'convert it with `sox in.ext -r 16000 -c 1 out.wav`');
}

/** Averages channels, checks every sample is finite, and resamples to whisper's 16 kHz. */
export function toWhisperInput(decoded: DecodedAudio, name: string): Audio16k {
  const { channels, sampleRate } = decoded;
  const n = channels[0]?.length ?? 0;
  if (n === 0) throw new AudioInputError(name, 'no audio samples', 'the file holds a header but no audio');
  const mono = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) mono[i]! += ch[i]! / channels.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(mono[i]!)) {
      throw new AudioInputError(name, `sample ${i} is ${mono[i]} (NaN or infinite)`, 'the audio is corrupt; a transcript of it would mean nothing');
    }
  }
  const samples = resample(mono, sampleRate, WHISPER_RATE);
  return {
    samples,
    duration: samples.length / WHISPER_RATE,
    source: { path: name, format: decoded.format, sampleRate, channels: channels.length },
  };
}

/** 2 GiB: about 9 hours of 16 kHz 16-bit mono, 3 hours of 48 kHz stereo. */
const MAX_AUDIO_BYTES = 2 * 2 ** 30;

export async function loadAudio(path: string): Promise<Audio16k> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new AudioInputError(path, 'file not found', 'check the path');
  }
  if (st.isDirectory()) throw new AudioInputError(path, 'is a directory, not an audio file', 'name a .wav or .flac file');
  // a FIFO or a device would block the read forever or never end
  if (!st.isFile()) throw new AudioInputError(path, 'is not a regular file (a pipe, socket or device)', 'name a .wav or .flac file');
  if (st.size > MAX_AUDIO_BYTES) throw new AudioInputError(path, `is ${(st.size / 2 ** 30).toFixed(1)} GiB, more than asr-parity reads at once (${MAX_AUDIO_BYTES / 2 ** 30} GiB)`, 'split it, or transcribe it with `chunked` from shorter files');
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new AudioInputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the file permissions', { cause: e });
  }
  return toWhisperInput(await decodeAudioBuffer(buf, path), path);
}
