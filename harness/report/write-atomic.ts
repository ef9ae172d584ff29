import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ReportError } from '../errors.ts';

/** Write to a temp file beside the target, then rename: a reader never sees half a report, and a failed write leaves the old one. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    throw new ReportError(path, `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the folder exists and is writable', { cause: e });
  }
}
