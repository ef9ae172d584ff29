import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';

/**
 * A one-node Slurm cluster on this machine for one test file: Debian's slurm-wlm and munge, a
 * munge key, slurm.conf and every state, spool, log and pid file in a temp folder, on free ports
 * (nothing of /etc/slurm or a system munged is touched or needed). `stop` ends the three daemons
 * it started, by their pid files. Where it cannot start, `skip` says why, for a visible skip.
 */
export interface SlurmCluster {
  /** The environment sbatch, squeue and sinfo need (SLURM_CONF) on top of this process's. */
  env: Record<string, string>;
  dir: string;
  stop(): Promise<void>;
}

const DAEMONS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'sinfo'] as const;

async function onPath(name: string): Promise<boolean> {
  const r = await execa('sh', ['-c', `command -v ${name} || test -x /usr/sbin/${name}`], { reject: false });
  return r.exitCode === 0;
}

const bin = (name: string) => (existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}

function killPidFile(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid > 0) process.kill(pid, 'SIGTERM');
    return pid;
  } catch {
    return undefined;
  }
}

async function gone(pid: number | undefined, ms: number): Promise<void> {
  for (const t0 = Date.now(); pid && Date.now() - t0 < ms; await sleep(200)) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
}

export async function startSlurm(dir: string): Promise<SlurmCluster | { skip: string }> {
  const missing = [];
  for (const d of DAEMONS) if (!(await onPath(d))) missing.push(d);
  if (missing.length) return { skip: `${missing.join(', ')} not installed (Debian slurm-wlm and munge: bin/ensure-test-tools.sh installs them as root)` };
  // slurmd starts each job as its owner: that takes root
  if (process.getuid?.() !== 0) return { skip: 'not root: slurmd must run as root to start jobs' };
  for (const sub of ['state', 'spool', 'log', 'munge']) mkdirSync(join(dir, sub), { recursive: true });
  chmodSync(join(dir, 'munge'), 0o700);
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o600 });
  const sock = join(dir, 'munge', 'munge.sock');
  const node = hostname().split('.')[0]!;
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=asrparity',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${sock}`,
      'CredType=cred/munge',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      // no cgroups: a container's are often read-only; processes are tracked by their parents
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'SchedulerType=sched/backfill',
      'ReturnToService=2',
      'MpiDefault=none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus().length} State=UNKNOWN`,
      `PartitionName=gate Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { SLURM_CONF: conf };
  const started: string[] = [];
  const stop = async () => {
    // the daemons this cluster started, newest first, each by its own pid file
    for (const f of started.reverse()) await gone(killPidFile(f), 15_000);
  };
  const fail = async (why: string) => {
    await stop();
    return { skip: why };
  };
  // -f: the temp folder is world-writable with the sticky bit, which munged otherwise refuses
  const munged = await execa(bin('munged'), ['-f', `--socket=${sock}`, `--key-file=${key}`, `--pid-file=${join(dir, 'munge', 'munged.pid')}`, `--log-file=${join(dir, 'log', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'munge.seed')}`], { reject: false });
  if (munged.exitCode !== 0) return fail(`munged did not start: ${munged.stderr || tail(join(dir, 'log', 'munged.log'))}`);
  started.push(join(dir, 'munge', 'munged.pid'));
  const ctld = await execa(bin('slurmctld'), ['-f', conf], { reject: false, env });
  if (ctld.exitCode !== 0) return fail(`slurmctld did not start: ${ctld.stderr || tail(join(dir, 'log', 'slurmctld.log'))}`);
  started.push(join(dir, 'slurmctld.pid'));
  const slurmd = await execa(bin('slurmd'), ['-f', conf, '-N', node], { reject: false, env });
  if (slurmd.exitCode !== 0) return fail(`slurmd did not start: ${slurmd.stderr || tail(join(dir, 'log', 'slurmd.log'))}`);
  started.push(join(dir, 'slurmd.pid'));
  // the node registers with the controller within seconds; on a loaded machine, give it two minutes
  let state = '';
  for (const t0 = Date.now(); Date.now() - t0 < 120_000; await sleep(1000)) {
    state = (await execa('sinfo', ['-h', '-o', '%T'], { reject: false, env })).stdout.trim();
    if (state === 'idle') return { env, dir, stop };
  }
  return fail(`the node did not become idle in 2 minutes (sinfo: ${state || 'no answer'}; slurmctld: ${tail(join(dir, 'log', 'slurmctld.log'))}; slurmd: ${tail(join(dir, 'log', 'slurmd.log'))})`);
}
