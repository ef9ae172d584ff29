import { execa } from 'execa';
import { AudioInputError } from '../errors.ts';
import type { DecodedAudio } from './decoded-audio.ts';
import { decodeWav } from './wav.ts';

/** The decoded samples of a 2 GiB input can be several times its size; f32 WAV on a pipe is what comes back. */
const MAX_DECODED_BYTES = 4 * 2 ** 30 - 1;

/**
 * What the built-in decoders cannot read (M4A/AAC, CAF, WMA, AMR, WebM, ...) goes through
 * ffmpeg when it is installed: ffprobe names the format, ffmpeg writes float WAV to a pipe, and
 * our own WAV reader (which takes the pipe's "until the end" sizes) reads it. Arguments are
 * passed as an array, never through a shell, so a file name cannot inject a command. The
 * original rate and channels are kept: mixing and resampling stay in one place for every format.
 * `container` is what the file's header said ("MP4/M4A", "CAF", ...) or undefined if unknown.
 */
export async function decodeWithFfmpeg(buf: Buffer, name: string, path: string | undefined, container: string | undefined): Promise<DecodedAudio> {
  const what = container ?? 'an unrecognised format';
  // a file on disk is read by ffmpeg directly (MP4 files with their index at the end need seeking); a buffer goes on stdin
  const input = path ? `file:${path}` : 'pipe:0';
  const stdin = path ? undefined : buf;
  let probe;
  try {
    probe = await execa('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name,sample_rate,channels:format=format_name', '-of', 'json', input], { input: stdin, reject: false, timeout: 60_000 });
  } catch (e) {
    throw new AudioInputError(name, `${what} needs ffmpeg to decode, and ffmpeg (ffprobe) could not be run: ${(e as Error).message.split('\n')[0]}`, 'install ffmpeg (`apt-get install ffmpeg`), or convert the file with `sox in.ext -r 16000 -c 1 out.wav`', { cause: e });
  }
  if ((probe as { code?: string }).code === 'ENOENT') throw new AudioInputError(name, `${what} needs ffmpeg to decode, and ffmpeg is not installed`, 'install ffmpeg (`apt-get install ffmpeg`), or convert the file to WAV or FLAC elsewhere');
  if (probe.failed) {
    const why = (String(probe.stderr).trim().split('\n').pop() ?? '').replace(`${input}: `, '');
    throw new AudioInputError(name, container ? `cannot decode ${container}: ffprobe: ${why}` : `not a recognised audio format (neither WAV, RF64, FLAC, MP3, Ogg Vorbis/Opus, AIFF, nor anything ffmpeg reads: ${why})`, container ? 'the file is damaged or truncated' : 'convert it with `sox in.ext -r 16000 -c 1 out.wav`');
  }
  let info: { streams?: { codec_name?: string }[]; format?: { format_name?: string } };
  try {
    info = JSON.parse(String(probe.stdout)) as typeof info;
  } catch {
    info = {};
  }
  const codec = info.streams?.[0]?.codec_name;
  // ffprobe names MP4/M4A by its QuickTime ancestor
  const formatName = (info.format?.format_name?.split(',')[0] ?? 'unknown').replace(/^mov$/, 'mp4');
  if (!codec) throw new AudioInputError(name, `${container ?? formatName} file holds no audio stream`, 'give a file with audio in it');
  const r = await execa('ffmpeg', ['-nostdin', '-v', 'error', '-i', input, '-map', '0:a:0', '-c:a', 'pcm_f32le', '-f', 'wav', 'pipe:1'], { input: stdin, encoding: 'buffer', maxBuffer: MAX_DECODED_BYTES, reject: false, timeout: 600_000 });
  if (r.failed) {
    const why = (Buffer.from(r.stderr as Uint8Array).toString('utf8').trim().split('\n').pop() ?? '').replace(`${input}: `, '');
    throw new AudioInputError(name, `cannot decode ${container ?? formatName} (${codec}) with ffmpeg: ${why || r.shortMessage}`, 'the file is damaged or truncated');
  }
  const out = Buffer.from(r.stdout as Uint8Array);
  const decoded = decodeWav(out, name);
  return { ...decoded, format: `${formatName}/${codec} (ffmpeg)` };
}
