import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { AudioInputError } from '../errors.ts';
import type { DecodedAudio } from './decoded-audio.ts';

/** FLAC through a WebAssembly build of libFLAC's decoder: no native dependency. */
export async function decodeFlac(buf: Buffer, name: string): Promise<DecodedAudio> {
  const decoder = new FLACDecoder();
  await decoder.ready;
  try {
    const r = await decoder.decodeFile(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    if (r.errors.length > 0) {
      const first = r.errors[0]!;
      throw new AudioInputError(name, `corrupt FLAC: ${first.message} (${r.errors.length} frame error${r.errors.length > 1 ? 's' : ''})`, 'the file is damaged or truncated');
    }
    if (!r.channelData.length || !r.sampleRate) throw new AudioInputError(name, 'FLAC stream has no decodable audio', 'the file is damaged or truncated');
    return { channels: r.channelData, sampleRate: r.sampleRate, format: `flac/${r.bitDepth}` };
  } catch (e) {
    if (e instanceof AudioInputError) throw e;
    throw new AudioInputError(name, `cannot decode FLAC: ${(e as Error).message}`, 'the file is damaged or truncated', { cause: e });
  } finally {
    decoder.free();
  }
}
