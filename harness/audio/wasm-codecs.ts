import { AudioInputError } from '../errors.ts';
import type { DecodedAudio } from './decoded-audio.ts';

/**
 * FLAC, MP3, Ogg Vorbis and Ogg Opus through the wasm-audio-decoders family: WebAssembly
 * builds of libFLAC, mpg123, libvorbis and libopus. No native dependency, the same API for all
 * four, and each maintained beside the others. Each is imported when its format first appears:
 * together they are 30 MB of WebAssembly and JavaScript that a WAV-only run need not load.
 */
interface WasmDecoded {
  channelData: Float32Array[];
  samplesDecoded?: number;
  sampleRate: number;
  bitDepth?: number;
  errors: { message: string }[];
}
interface WasmDecoder {
  ready: Promise<void>;
  free(): void;
}

async function decodeWith<D extends WasmDecoder>(make: () => Promise<D>, run: (d: D, bytes: Uint8Array) => WasmDecoded | Promise<WasmDecoded>, buf: Buffer, name: string, label: string, format: (r: WasmDecoded) => string): Promise<DecodedAudio> {
  const decoder = await make();
  await decoder.ready;
  try {
    const r = await run(decoder, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    if (r.errors.length > 0) {
      const first = r.errors[0]!;
      throw new AudioInputError(name, `corrupt ${label}: ${first.message} (${r.errors.length} frame error${r.errors.length > 1 ? 's' : ''})`, 'the file is damaged or truncated');
    }
    if (!r.channelData.length || !r.sampleRate || !r.channelData[0]!.length) throw new AudioInputError(name, `${label} stream has no decodable audio`, 'the file is damaged, truncated or not really this format');
    return { channels: r.channelData, sampleRate: r.sampleRate, format: format(r) };
  } catch (e) {
    if (e instanceof AudioInputError) throw e;
    throw new AudioInputError(name, `cannot decode ${label}: ${(e as Error).message}`, 'the file is damaged or truncated', { cause: e });
  } finally {
    decoder.free();
  }
}

export const decodeFlac = (buf: Buffer, name: string) => decodeWith(async () => new (await import('@wasm-audio-decoders/flac')).FLACDecoder(), (d, b) => d.decodeFile(b), buf, name, 'FLAC', (r) => `flac/${r.bitDepth}`);

export const decodeMp3 = (buf: Buffer, name: string) => decodeWith(async () => new (await import('mpg123-decoder')).MPEGDecoder(), (d, b) => d.decode(b), buf, name, 'MP3', () => 'mp3');

export const decodeOggVorbis = (buf: Buffer, name: string) => decodeWith(async () => new (await import('@wasm-audio-decoders/ogg-vorbis')).OggVorbisDecoder(), (d, b) => d.decodeFile(b), buf, name, 'Ogg Vorbis', () => 'ogg/vorbis');

// speech-quality enhancement off (the default, said here): the gate must hear what the file holds
export const decodeOggOpus = (buf: Buffer, name: string) => decodeWith(async () => new (await import('ogg-opus-decoder')).OggOpusDecoder({ speechQualityEnhancement: 'none' }), (d, b) => d.decodeFile(b), buf, name, 'Ogg Opus', () => 'ogg/opus');
