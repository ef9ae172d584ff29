import { extname } from 'node:path';
import type { Report } from '../report/report-types.ts';
import { writeFileAtomic } from '../report/write-atomic.ts';
import { scoreUtterance } from '../score/error-rate.ts';
import { getNormalizer } from '../score/normalizers.ts';
import { formatPra } from '../score/pra.ts';

/**
 * `--pra OUT` of compare and eval-accuracy: each device backend's word alignments against the
 * baseline in sclite's .pra layout. The report keeps the raw transcripts and the normalizer, so
 * the alignment is recomputed from them (the same function the gate scored with). One device
 * backend writes OUT; several write OUT with the backend's name before the extension.
 */
export function writePraFiles(report: Report, out: string): string[] {
  const scored = report.backends.filter((b) => b.accuracy);
  const written: string[] = [];
  for (const b of scored) {
    const a = b.accuracy!;
    const normalize = getNormalizer(a.normalizer);
    const utts = a.cases.map((c) => ({ id: c.id, alignment: scoreUtterance(c.id, normalize(c.baselineText), normalize(c.deviceText)).alignment }));
    const path = scored.length === 1 ? out : `${out.slice(0, out.length - extname(out).length)}.${b.name}${extname(out)}`;
    writeFileAtomic(path, formatPra(utts, b.name));
    written.push(path);
  }
  return written;
}
