import type { CommandSpec } from './command-spec.ts';

/**
 * Ready commands for known external transcribers. `{audio}` is a 16 kHz mono 16-bit WAV
 * written by asr-parity from the decoded audio.
 */
export const COMMAND_PRESETS: Record<string, CommandSpec> = {
  // The reference adaptation's own pipeline (shared/reference): Python, transformers, torch_npu.
  // Its stdout format is not documented: the transcript is taken as the last line printed.
  // Never run by this project (no torch_npu here).
  'reference-inference-py': {
    program: 'python',
    args: ['inference.py', '--model_path', '{model}', '--audio', '{audio}', '--device', '{device}', '--mode', 'transcribe'],
    output: { format: 'text', lastLine: true },
    device: 'npu:0',
    timeoutMs: 600_000,
  },
  // whisper.cpp's own command-line program, greedy without timestamps like the in-process backends.
  'whisper-cpp-cli': {
    program: 'whisper-cli',
    args: ['-m', '{model}', '-f', '{audio}', '-l', '{language}', '-t', '{threads}', '-nt', '-np', '-nf'],
    output: { format: 'text' },
  },
  // CMU PocketSphinx from Debian (packages pocketsphinx, pocketsphinx-en-us): a real non-Whisper engine.
  pocketsphinx: {
    program: 'pocketsphinx_continuous',
    args: ['-infile', '{audio}', '-logfn', '/dev/null'],
    output: { format: 'text', lastLine: true },
  },
};
