import { accessSync, constants, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ReportError } from '../errors.ts';

/**
 * Refuses an output path that cannot be written, before any work: a run of an hour must not end
 * by finding its report folder read-only. The file, if it exists, must be a writable file; else
 * its nearest existing folder must take a new file, tried for real (the writer makes the missing
 * folders below it).
 */
/** What is at a path, or undefined where nothing is (ENOTDIR too: a file where a folder of the path should be is found by the walk up). */
function statOf(path: string) {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

export function checkWritable(path: string): void {
  const full = resolve(path);
  const fail = (problem: string) => {
    throw new ReportError(path, problem, 'choose another path, or fix the folder first; nothing was run');
  };
  const st = statOf(full);
  if (st?.isDirectory()) fail('is a folder, not a file');
  if (st) {
    try {
      accessSync(full, constants.W_OK);
    } catch {
      fail('cannot be written: the file is read-only');
    }
    // replaced by a rename beside it: its folder must take new files too
  }
  let dir = dirname(full);
  for (;;) {
    const d = statOf(dir);
    if (d && !d.isDirectory()) fail(`cannot be written: ${dir} is a file, not a folder`);
    if (d) break;
    if (dirname(dir) === dir) fail('cannot be written: no folder of it exists');
    dir = dirname(dir);
  }
  // a real file, not access(): root passes every permission check, and a read-only mount or sysfs still refuses it
  const probe = resolve(dir, `.asr-parity-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (e) {
    fail(`cannot be written: the folder ${dir} does not take new files (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  rmSync(probe, { force: true });
}
