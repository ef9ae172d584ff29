import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

const hashes = new Map<string, string>();

/** SHA-256 of a file, streamed, and remembered per path, size and mtime: a 1.5 GB model is hashed once per process, not per load. */
export async function sha256File(path: string): Promise<string> {
  const st = statSync(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  const hit = hashes.get(key);
  if (hit) return hit;
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  const hex = h.digest('hex');
  hashes.set(key, hex);
  return hex;
}
