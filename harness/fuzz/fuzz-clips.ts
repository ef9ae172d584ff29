import { loadAudio } from '../audio/load-audio.ts';
import type { Audio16k } from '../audio/decoded-audio.ts';
import { readManifest } from '../audio/manifest.ts';

/**
 * The clips fuzzing varies: the manifest's speech cases, decoded once (variants of speech are
 * what a port gets wrong); every case when the manifest has no speech.
 */
export async function fuzzClips(manifest: string): Promise<{ id: string; audio: Audio16k }[]> {
  const all = readManifest(manifest);
  const speech = all.filter((x) => x.kind === 'speech');
  return Promise.all((speech.length ? speech : all).map(async (x) => ({ id: x.id, audio: await loadAudio(x.audio) })));
}
