import { UsageError } from '../errors.ts';

/** One shard of a gate run split over N machines: `index` is 0-based, `source` says where it came from (the flag or a scheduler's variables). */
export interface ShardIdentity {
  index: number;
  count: number;
  source: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const whole = (v: string | undefined): number | undefined => (v !== undefined && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined);

function checked(index: number, count: number, source: string, what: string): ShardIdentity {
  if (!Number.isInteger(count) || count < 1) throw new UsageError(what, `shard count ${count} is not a positive integer`, 'pass --shard i/N');
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new UsageError(what, `shard ${index} is outside 0..${count - 1}`, 'pass --shard i/N with 0 <= i < N');
  return { index, count, source };
}

/** `--shard i/N`: 0-based i of N. */
export function parseShardFlag(v: string): ShardIdentity {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  if (!m) throw new UsageError('--shard', `"${v}" is not i/N`, 'e.g. --shard 0/4 for the first of four shards (0-based)');
  return checked(Number(m[1]), Number(m[2]), '--shard', '--shard');
}

/**
 * The schedulers' own variables, each normalised to a 0-based index of N. A scheduler that gives
 * an index but no total (Kubernetes Indexed Jobs, AWS Batch arrays) needs N from `count`
 * (--shard-count). A total of 1 (GitLab and CircleCI set it on every job) is no split.
 */
const SCHEDULERS: ReadonlyArray<{ name: string; read(env: Env): { index: number; count?: number; vars: string } | undefined }> = [
  {
    // a Slurm array's ids may start anywhere and step (--array=10-40:10): the ordinal is (ID - MIN) / STEP
    name: 'Slurm array',
    read(env) {
      const id = whole(env.SLURM_ARRAY_TASK_ID);
      if (id === undefined) return undefined;
      const min = whole(env.SLURM_ARRAY_TASK_MIN) ?? 0;
      const step = whole(env.SLURM_ARRAY_TASK_STEP) || 1;
      const index = (id - min) / step;
      if (!Number.isInteger(index)) throw new UsageError('SLURM_ARRAY_TASK_ID', `task ${id} is not MIN ${min} + k * STEP ${step}: a sparse array (--array=1,5,9) has no ordinal`, 'use --array=0-N-1 (with %M to limit how many run at once) or pass --shard i/N');
      return { index, count: whole(env.SLURM_ARRAY_TASK_COUNT), vars: `SLURM_ARRAY_TASK_ID=${id} MIN=${min} STEP=${step} COUNT=${env.SLURM_ARRAY_TASK_COUNT}` };
    },
  },
  { name: 'Kubernetes Indexed Job', read: (env) => indexOnly(env, 'JOB_COMPLETION_INDEX') },
  { name: 'AWS Batch array', read: (env) => indexOnly(env, 'AWS_BATCH_JOB_ARRAY_INDEX') },
  { name: 'GitLab parallel', read: (env) => withTotal(env, 'CI_NODE_INDEX', 'CI_NODE_TOTAL', 1) },
  { name: 'CircleCI parallelism', read: (env) => withTotal(env, 'CIRCLE_NODE_INDEX', 'CIRCLE_NODE_TOTAL', 0) },
  { name: 'Buildkite parallelism', read: (env) => withTotal(env, 'BUILDKITE_PARALLEL_JOB', 'BUILDKITE_PARALLEL_JOB_COUNT', 0) },
  // GitHub Actions has no variables of its own: a matrix passes strategy.job-index and job-total through env
  { name: 'ASR_PARITY_SHARD_INDEX', read: (env) => withTotal(env, 'ASR_PARITY_SHARD_INDEX', 'ASR_PARITY_SHARD_COUNT', 0) },
];

function indexOnly(env: Env, name: string) {
  const index = whole(env[name]);
  return index === undefined ? undefined : { index, vars: `${name}=${index}` };
}

function withTotal(env: Env, indexVar: string, totalVar: string, base: 0 | 1) {
  const i = whole(env[indexVar]);
  const n = whole(env[totalVar]);
  if (i === undefined || n === undefined || n <= 1) return undefined;
  return { index: i - base, count: n, vars: `${indexVar}=${i} ${totalVar}=${n}` };
}

/**
 * This run's shard: `--shard i/N` wins; else the first scheduler whose variables are set; else
 * none (the whole corpus). `count` (--shard-count) supplies N where the scheduler gives none,
 * and must agree where it does.
 */
export function resolveShard(o: { shard?: string; shardCount?: number }, env: Env = process.env): ShardIdentity | undefined {
  if (o.shard !== undefined) return parseShardFlag(o.shard);
  for (const s of SCHEDULERS) {
    const r = s.read(env);
    if (!r) continue;
    const count = r.count ?? o.shardCount;
    if (count === undefined) throw new UsageError(r.vars, `${s.name} gives this task's index but not how many there are`, 'pass --shard-count N (the number of tasks), or --shard i/N');
    if (o.shardCount !== undefined && o.shardCount !== count) throw new UsageError('--shard-count', `${o.shardCount} but ${s.name} says ${count} (${r.vars})`, 'leave --shard-count out, or pass --shard i/N');
    return checked(r.index, count, `${s.name} (${r.vars})`, r.vars);
  }
  if (o.shardCount !== undefined) throw new UsageError('--shard-count', 'no scheduler variable names this task\'s index', 'pass --shard i/N, or run as a Slurm array task, Kubernetes Indexed Job, GitLab parallel job...');
  return undefined;
}
