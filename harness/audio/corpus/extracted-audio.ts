import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;
let count = 0;

/**
 * Audio a corpus holds as bytes rather than as a file (a parquet cell, a Kaldi pipeline's
 * output) is written to a temporary folder of this process, removed at exit, so every later
 * stage reads a file like any other case. `name` keeps the source's extension for the reader.
 */
export function extractedAudioFile(name: string, bytes: Uint8Array): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'asr-parity-corpus-'));
    const d = dir;
    process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  // numbered: two cells may carry one file name
  const file = join(dir, `${count++}-${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(-80)}`);
  writeFileSync(file, bytes);
  return file;
}
