import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { reapedChildrenCpuMs as childrenCpuMs } from '../io/proc-figures.ts';

/**
 * One child process timed: wall time, and the CPU time (user + system) the kernel charged to it,
 * read from this process's cumulative children times in /proc/self/stat (Linux; 10 ms ticks).
 * CPU time is what to compare on a loaded machine; wall time is what a user waits.
 */
export interface ChildTime {
  wallMs: number;
  cpuMs: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

export function timeChild(command: string, args: string[], options: SpawnSyncOptions = {}): ChildTime {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const wallMs = performance.now() - t0;
  if (r.error) throw r.error;
  return { wallMs, cpuMs: childrenCpuMs() - cpu0, status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
};
