import { readFileSync } from 'node:fs';
import { AudioInputError } from '../errors.ts';

const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a text file that must be UTF-8. Node's own decoding would turn bad bytes into U+FFFD
 * and score them as if they were text; here they are an error naming the line.
 */
export function readUtf8(path: string, what: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AudioInputError(path, code === 'ENOENT' ? `${what} not found` : code === 'EISDIR' ? 'is a directory' : `cannot read: ${code}`, `give a ${what}`);
  }
  try {
    return strict.decode(buf);
  } catch {
    let line = 1;
    for (let start = 0; ; line++) {
      const end = buf.indexOf(0x0a, start);
      try {
        strict.decode(buf.subarray(start, end < 0 ? buf.length : end));
      } catch {
        break;
      }
      if (end < 0) break;
      start = end + 1;
    }
    throw new AudioInputError(`${path}:${line}`, 'not valid UTF-8', `re-encode the ${what} as UTF-8`);
  }
}
