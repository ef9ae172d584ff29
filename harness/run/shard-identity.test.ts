import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { corpusIdsSha256, shardCases, shardRuns } from './shard-cases.ts';
import { parseShardFlag, resolveShard } from './shard-identity.ts';

const at = (env: Record<string, string>, o: { shard?: string; shardCount?: number } = {}) => {
  const s = resolveShard(o, env);
  return s && [s.index, s.count];
};

describe('shard identity: the flag, else the scheduler, normalised to 0-based i of N', () => {
  it('--shard i/N is 0-based; out of range or not i/N is a usage error naming the flag', () => {
    expect(parseShardFlag('3/4')).toMatchObject({ index: 3, count: 4, source: '--shard' });
    for (const bad of ['4/4', '1/0', '-1/4', '1', 'a/b', '1/4/5']) expect(() => parseShardFlag(bad), bad).toThrow(UsageError);
    expect(() => parseShardFlag('4/4')).toThrow(/--shard: shard 4 is outside 0..3/);
  });

  it('a Slurm array task: (ID - MIN) / STEP of COUNT, wherever the ids start and however they step', () => {
    expect(at({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual([2, 4]);
    // --array=10-40:10 is four tasks 10, 20, 30, 40
    expect(at({ SLURM_ARRAY_TASK_ID: '30', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '10', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual([2, 4]);
    // --array=1-4: 1-based ids
    expect(at({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual([0, 4]);
    // a sparse list (--array=1,5,9) has no ordinal: refused with what to do, never a guess
    expect(() => at({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_STEP: '3', SLURM_ARRAY_TASK_COUNT: '3' })).toThrow(/sparse array/);
  });

  it('Kubernetes and AWS Batch give the index only: N from --shard-count, else a usage error saying so', () => {
    expect(at({ JOB_COMPLETION_INDEX: '0' }, { shardCount: 3 })).toEqual([0, 3]);
    expect(at({ AWS_BATCH_JOB_ARRAY_INDEX: '2' }, { shardCount: 3 })).toEqual([2, 3]);
    expect(() => at({ JOB_COMPLETION_INDEX: '0' })).toThrow(/--shard-count/);
    expect(() => at({ JOB_COMPLETION_INDEX: '3' }, { shardCount: 3 })).toThrow(UsageError);
  });

  it('GitLab counts from 1; CircleCI, Buildkite and the ASR_PARITY_ variables (a GitHub matrix) from 0; a total of 1 is no split', () => {
    expect(at({ CI_NODE_INDEX: '1', CI_NODE_TOTAL: '4' })).toEqual([0, 4]);
    expect(at({ CI_NODE_INDEX: '4', CI_NODE_TOTAL: '4' })).toEqual([3, 4]);
    expect(at({ CI_NODE_TOTAL: '1' })).toBeUndefined();
    expect(at({ CIRCLE_NODE_INDEX: '1', CIRCLE_NODE_TOTAL: '2' })).toEqual([1, 2]);
    expect(at({ CIRCLE_NODE_INDEX: '0', CIRCLE_NODE_TOTAL: '1' })).toBeUndefined();
    expect(at({ BUILDKITE_PARALLEL_JOB: '0', BUILDKITE_PARALLEL_JOB_COUNT: '5' })).toEqual([0, 5]);
    expect(at({ ASR_PARITY_SHARD_INDEX: '2', ASR_PARITY_SHARD_COUNT: '3' })).toEqual([2, 3]);
    expect(at({})).toBeUndefined();
  });

  it('the flag wins over the scheduler; the source says which was used', () => {
    const env = { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '4' };
    expect(resolveShard({ shard: '1/2' }, env)).toMatchObject({ index: 1, count: 2, source: '--shard' });
    expect(resolveShard({}, env)?.source).toMatch(/^Slurm array \(SLURM_ARRAY_TASK_ID=2 /);
    expect(() => resolveShard({ shardCount: 3 }, env)).toThrow(/--shard-count: 3 but Slurm array says 4/);
  });
});

describe('shard assignment: by a hash of the case id', () => {
  const ids = Array.from({ length: 200 }, (_, i) => ({ id: `utt-${i}` }));

  it('the shards partition the corpus: every case in exactly one, each list in corpus order with its places', () => {
    const parts = [0, 1, 2, 3].map((index) => shardCases(ids, { index, count: 4, source: 'test' }));
    const all = parts.flatMap((p) => p.record.accuracy!.ids);
    expect(new Set(all).size).toBe(ids.length);
    expect(all.length).toBe(ids.length);
    for (const p of parts) {
      expect(p.record.accuracy!.positions.map((i) => ids[i]!.id)).toEqual(p.record.accuracy!.ids);
      expect([...p.record.accuracy!.positions].sort((a, b) => a - b)).toEqual(p.record.accuracy!.positions);
      // no shard is empty or holds most of the corpus (a hash, not the first N)
      expect(p.cases.length).toBeGreaterThan(ids.length / 8);
    }
    expect(new Set(parts.map((p) => p.record.accuracy!.corpusIdsSha256)).size).toBe(1);
  });

  it('a case keeps its shard when the corpus is edited (cases added before it, others removed)', () => {
    const edited = [{ id: 'new-first' }, ...ids.filter((_, i) => i % 7 !== 0), { id: 'new-last' }];
    const owners = (corpus: readonly { id: string }[]) => new Map([0, 1, 2, 3].flatMap((index) => shardCases(corpus, { index, count: 4, source: 't' }).record.accuracy!.ids.map((id) => [id, index] as const)));
    const before = owners(ids);
    const after = owners(edited);
    const kept = edited.filter((c) => before.has(c.id));
    expect(kept.length).toBeGreaterThan(150);
    for (const c of kept) expect(after.get(c.id), c.id).toBe(before.get(c.id));
    expect(corpusIdsSha256(edited)).not.toBe(corpusIdsSha256(ids));
  });

  it('warm runs: run r to shard r mod N, the shares summing to the whole', () => {
    const shares = [0, 1, 2, 3].map((index) => shardRuns(10, { index, count: 4, source: 't' }).runs);
    expect(shares).toEqual([3, 3, 2, 2]);
  });
});
