import { AudioInputError } from '../errors.ts';
import type { Case } from './case.ts';
import { WHISPER_RATE, type Audio16k } from './decoded-audio.ts';
import { loadAudioOnce } from './decoded-once.ts';

/**
 * A case's 16 kHz samples: its file decoded once per process (decoded-once.ts), then cut to the
 * case's segment when the corpus names one (many utterances of one recording decode it once).
 */
export async function loadCaseAudio(c: Pick<Case, 'id' | 'audio' | 'segment'>): Promise<Audio16k> {
  const audio = await loadAudioOnce(c.audio);
  if (!c.segment) return audio;
  const { start, end = audio.duration } = c.segment;
  // a segment ending a few ms past the decoded end is rounding in the corpus (Kaldi writes 2 decimals); one clearly past it is wrong
  if (start < 0 || end <= start || start >= audio.duration || end > audio.duration + 0.05) {
    throw new AudioInputError(`${c.audio}`, `case ${c.id}: segment ${start}-${end} s is outside the recording (${audio.duration.toFixed(3)} s)`, 'check the corpus\'s segment times');
  }
  const from = Math.round(start * WHISPER_RATE);
  const to = Math.min(audio.samples.length, Math.round(end * WHISPER_RATE));
  const samples = audio.samples.slice(from, to);
  return { ...audio, samples, duration: samples.length / WHISPER_RATE };
}
