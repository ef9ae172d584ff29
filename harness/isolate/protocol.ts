import type { Audio16k } from '../audio/decoded-audio.ts';
import { decodeFloat32, type WireAudio } from '../../backends/worker/protocol.ts';

/**
 * The in-tree worker speaks the worker protocol (backends/worker/protocol.schema.json) like
 * any external worker; these are the few fields only it uses: the backend options it loads
 * with, and audio with its source kept, so errors it raises still name the file.
 */
export type InTreeAudio = WireAudio & { source?: Audio16k['source'] };

export function audioFromWire(a: InTreeAudio, op: string): Audio16k {
  if (!('samples' in a)) throw new RangeError(`${op}: the in-tree worker takes samples, not a path`);
  const samples = decodeFloat32(a.samples);
  return { samples, duration: samples.length / 16000, source: a.source ?? { path: '(worker protocol)', format: 'float32', sampleRate: 16000, channels: 1 } };
}
