import { readFile, stat } from 'node:fs/promises';
import { AudioInputError } from '../errors.ts';
import { decodeAiff } from './aiff.ts';
import { WHISPER_RATE, type Audio16k, type DecodedAudio } from './decoded-audio.ts';
import { decodeWithFfmpeg } from './ffmpeg-decode.ts';
import { resample } from './resample.ts';
import { decodeFlac, decodeMp3, decodeOggOpus, decodeOggVorbis } from './wasm-codecs.ts';
import { decodeWav } from './wav.ts';

/** MPEG audio frame sync: 11 set bits, then a layer that is not "reserved". */
function isMpegFrame(buf: Buffer): boolean {
  return buf.length >= 4 && buf[0] === 0xff && (buf[1]! & 0xe0) === 0xe0 && (buf[1]! & 0x06) !== 0;
}

/** Containers ffmpeg reads and we name in messages, by their first bytes. */
function containerName(buf: Buffer): string | undefined {
  const a = buf.toString('latin1', 0, 4);
  const b = buf.toString('latin1', 4, 8);
  if (b === 'ftyp') return 'MP4/M4A';
  if (a === 'caff') return 'CAF';
  if (a === '#!AM') return 'AMR';
  if (a === '.snd') return 'Sun AU';
  if (a === 'OggS') return 'Ogg';
  if (buf.readUInt32BE(0) === 0x3026b275) return 'ASF/WMA';
  if (buf.readUInt32BE(0) === 0x1a45dfa3) return 'Matroska/WebM';
  if ((buf[0] === 0xff && (buf[1]! & 0xf6) === 0xf0)) return 'AAC (ADTS)';
  return undefined;
}

/**
 * Decodes by content, not by extension (a .wav that holds FLAC still decodes): WAV, RF64 and
 * BW64 and AIFF by our own readers, FLAC, MP3, Ogg Vorbis and Ogg Opus by WebAssembly
 * decoders, and anything else by ffmpeg when it is installed. `path`, when the bytes came from
 * a file, lets ffmpeg seek in it.
 */
export async function decodeAudioBuffer(buf: Buffer, name: string, path?: string): Promise<DecodedAudio> {
  if (buf.length === 0) throw new AudioInputError(name, 'empty file', 'expected audio (WAV, FLAC, MP3, Ogg, Opus, AIFF, M4A, ...)');
  if (buf.length < 12) throw new AudioInputError(name, `${buf.length} bytes is too short for any audio format`, 'the file is damaged or truncated');
  const magic = buf.toString('latin1', 0, 4);
  if (magic === 'RIFF' || magic === 'RF64' || magic === 'BW64') return decodeWav(buf, name);
  if (magic === 'fLaC') return decodeFlac(buf, name);
  if (magic === 'FORM') {
    const aiff = decodeAiff(buf, name);
    if (aiff) return aiff;
    return decodeWithFfmpeg(buf, name, path, 'AIFF-C');
  }
  if (magic === 'OggS') {
    // the first page holds the codec's identification header
    const head = buf.toString('latin1', 0, Math.min(buf.length, 128));
    if (head.includes('OpusHead')) return decodeOggOpus(buf, name);
    if (head.includes('\x01vorbis')) return decodeOggVorbis(buf, name);
    return decodeWithFfmpeg(buf, name, path, 'Ogg');
  }
  if (magic.startsWith('ID3') || isMpegFrame(buf)) {
    // ADTS AAC shares the sync word; its layer bits are 0, which isMpegFrame refuses
    return decodeMp3(buf, name);
  }
  return decodeWithFfmpeg(buf, name, path, containerName(buf));
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
  if (st.isDirectory()) throw new AudioInputError(path, 'is a directory, not an audio file', 'name an audio file');
  // a FIFO or a device would block the read forever or never end
  if (!st.isFile()) throw new AudioInputError(path, 'is not a regular file (a pipe, socket or device)', 'name an audio file');
  if (st.size > MAX_AUDIO_BYTES) throw new AudioInputError(path, `is ${(st.size / 2 ** 30).toFixed(1)} GiB, more than asr-parity reads at once (${MAX_AUDIO_BYTES / 2 ** 30} GiB)`, 'split it, or transcribe it with `chunked` from shorter files');
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new AudioInputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the file permissions', { cause: e });
  }
  return toWhisperInput(await decodeAudioBuffer(buf, path, path), path);
}
