import { createHash } from 'node:crypto';
import type { Case } from '../audio/manifest.ts';
import type { ShardRecord } from '../report/report-types.ts';
import type { ShardIdentity } from './shard-identity.ts';

/**
 * Which shard a case belongs to: the first 48 bits of the SHA-256 of its id, modulo N. A case
 * keeps its shard when others are added to or removed from the corpus (a position-based split
 * would move every case after the edit), and every machine computes the same answer alone.
 */
export function shardOfId(id: string, count: number): number {
  return createHash('sha256').update(id).digest().readUIntBE(0, 6) % count;
}

/** SHA-256 of the corpus's case ids in order, NUL-separated: what tells shards of one corpus from another's. */
export function corpusIdsSha256(cases: readonly Pick<Case, 'id'>[]): string {
  const h = createHash('sha256');
  for (const c of cases) h.update(c.id).update('\0');
  return h.digest('hex');
}

/** This shard's cases, in corpus order, and what its report records of them. */
export function shardCases<C extends Pick<Case, 'id'>>(cases: readonly C[], s: ShardIdentity): { cases: C[]; record: ShardRecord } {
  const mine = [...cases.entries()].filter(([, c]) => shardOfId(c.id, s.count) === s.index);
  return {
    cases: mine.map(([, c]) => c),
    record: { ...s, accuracy: { corpusCases: cases.length, corpusIdsSha256: corpusIdsSha256(cases), ids: mine.map(([, c]) => c.id), positions: mine.map(([i]) => i) } },
  };
}

/** This shard's share of the warm runs: run r (0-based) belongs to shard r mod N, so the shares differ by at most one. */
export function shardRuns(runs: number, s: ShardIdentity): { runs: number; record: ShardRecord } {
  const mine = Math.floor(runs / s.count) + (s.index < runs % s.count ? 1 : 0);
  return { runs: mine, record: { ...s, performance: { totalRuns: runs, runs: mine } } };
}
