import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';

/**
 * Figures the kernel keeps about processes and the machine (Linux /proc), read from outside the
 * process they describe: what a backend's own process used, whatever it says about itself, and
 * how busy the machine was around a measurement. Each reader answers null where /proc does not
 * have it (another OS, a process already gone), never a made-up figure.
 */
export const TICK_MS = 10; // USER_HZ is 100 on every Linux the project runs on

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Fields of /proc/<pid>/stat after the ")" that closes the command name (state is [0], utime [11], stime [12], cutime [13], cstime [14]). */
function statFields(pid: number | 'self'): string[] | null {
  const s = read(`/proc/${pid}/stat`);
  return s ? s.slice(s.lastIndexOf(') ') + 2).split(' ') : null;
}

/** CPU time (user + system) the kernel charged to a process itself, in ms. */
export function processCpuMs(pid: number): number | null {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) * TICK_MS : null;
}

/** CPU time of this process's children that have ended and been waited for (cutime + cstime), in ms. */
export function reapedChildrenCpuMs(): number {
  const f = statFields('self');
  return f ? (Number(f[13]) + Number(f[14])) * TICK_MS : 0;
}

/** A process's resident memory and its peak, declared once: the report's schema holds it as it is (report-schema.ts). */
export const RESIDENT_MEMORY = Type.Object({ rssBytes: Type.Number({ minimum: 0 }), peakRssBytes: Type.Number({ minimum: 0 }) }, { additionalProperties: false });
export type ResidentMemory = Static<typeof RESIDENT_MEMORY>;

/** A process's resident memory now and its peak (VmRSS, VmHWM of /proc/<pid>/status), in bytes. */
export function processMemory(pid: number): ResidentMemory | null {
  const s = read(`/proc/${pid}/status`);
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s ?? '')?.[1] ?? Number.NaN) * 1024;
  const rssBytes = kb('VmRSS');
  const peakRssBytes = kb('VmHWM');
  return Number.isFinite(rssBytes) && Number.isFinite(peakRssBytes) ? { rssBytes, peakRssBytes } : null;
}

/** The machine's CPU time so far (the "cpu" line of /proc/stat), in ticks: all of it, idle (with iowait), and stolen by the hypervisor. */
export function machineTicks(): { total: number; idle: number; steal: number } | null {
  const line = read('/proc/stat')?.split('\n')[0];
  if (!line?.startsWith('cpu ')) return null;
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: v.reduce((a, b) => a + b, 0), idle: v[3]! + (v[4] ?? 0), steal: v[7] ?? 0 };
}

/** This process's CPU time (user + system), in ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
