import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';

let counter = 0;
import { dirname } from 'node:path';
import { ReportError } from '../errors.ts';

/** Write to a temp file beside the target, then rename: a reader never sees half a report, and a failed write leaves the old one. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    // pid and a counter: two writers of one path, in one process or two, never share a temp file
    const tmp = `${path}.${process.pid}.${++counter}.tmp`;
    try {
      writeFileSync(tmp, data);
      renameSync(tmp, path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  } catch (e) {
    throw new ReportError(path, `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the folder exists and is writable', { cause: e });
  }
}
