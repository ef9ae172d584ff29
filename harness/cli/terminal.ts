/** Progress goes to stderr, and only to a terminal: piped output and CI logs stay clean. */
const isTTY = process.stderr.isTTY;
let quiet = false;

export function setQuiet(q: boolean): void {
  quiet = q;
}

export function progress(msg: string): void {
  if (!quiet && isTTY) process.stderr.write(`\r\x1b[K${msg}`);
}

export function progressDone(): void {
  if (!quiet && isTTY) process.stderr.write('\r\x1b[K');
}

export function print(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

// `asr-parity backends | head`: a reader that stops early is not an error to crash on
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
