import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';

import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { ReportError } from '../errors.ts';

let counter = 0;
// a name part: a host name holds letters, digits, dots and dashes, but keep it so
const HOST = hostname().replace(/[^A-Za-z0-9.-]/g, '_');

/** Write to a temp file beside the target, then rename: a reader never sees half a report, and a failed write leaves the old one. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    // host, pid and a counter: two writers of one path, in one process or two, on one machine or two
    // sharing a network folder (shards writing one baseline cache), never share a temp file
    const tmp = `${path}.${HOST}.${process.pid}.${++counter}.tmp`;
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
