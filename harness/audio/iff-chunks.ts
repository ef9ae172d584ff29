/** One chunk of an IFF-style file (RIFF/WAVE, RF64, AIFF): its four-letter id, its declared size and where its body starts. */
export interface Chunk {
  id: string;
  size: number;
  body: number;
}

/**
 * The chunks of a RIFF (little-endian sizes) or AIFF (big-endian sizes) file from `start`, in
 * file order, each body padded to an even length as both formats require. Walking stops where
 * fewer than 8 bytes remain for a chunk header; what a size or body means is the caller's
 * business (the caller may stop early, and checks a body against the buffer itself).
 */
export function* iffChunks(buf: Buffer, start: number, sizes: 'LE' | 'BE'): Generator<Chunk> {
  let pos = start;
  while (pos + 8 <= buf.length) {
    const size = sizes === 'LE' ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
    const body = pos + 8;
    yield { id: buf.toString('latin1', pos, pos + 4), size, body };
    pos = body + size + (size & 1);
  }
}
