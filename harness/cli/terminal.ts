import { progressFromEnvironment } from './progress-reporter.ts';

/**
 * Progress goes to stderr: a bar with ETA on a terminal, plain periodic lines anywhere else
 * (progress-reporter.ts); stdout keeps only results, so piping it stays clean.
 */
const reporter = progressFromEnvironment(process.stderr);
let quiet = false;

export function setQuiet(q: boolean): void {
  quiet = q;
}

export function progress(msg: string): void {
  if (!quiet) reporter.update(msg);
}

export function progressDone(): void {
  reporter.done();
}

/** Says on stderr where a file was written: every file a command writes is announced, the default ones too. */
export function announceWritten(path: string, what = ''): void {
  progressDone();
  process.stderr.write(`asr-parity: wrote ${what ? `${what} ` : ''}${path}\n`);
}

export function print(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

// `asr-parity backends | head`: a reader that stops early is not an error to crash on
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
