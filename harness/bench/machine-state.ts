import { cpus, loadavg } from 'node:os';
import { machineTicks, selfCpuMs, TICK_MS } from '../io/proc-figures.ts';
import { Type, type Static } from '@sinclair/typebox';
import { OrNull } from '../io/schema-types.ts';

/**
 * How busy the machine was while a measurement ran. Other processes' share is the machine's busy
 * CPU time minus this process's and its measured child's, over all the machine's CPU time: on a
 * quiet machine it is near 0; a figure taken beside a build or another benchmark shows it.
 */
export const MACHINE_STATE = Type.Object(
  {
    cpus: Type.Integer({ minimum: 1 }),
    /** 1, 5 and 15 minute load averages when the measurement started and when it ended. */
    loadAverageBefore: Type.Array(Type.Number({ minimum: 0 }), { minItems: 3, maxItems: 3 }),
    loadAverageAfter: Type.Array(Type.Number({ minimum: 0 }), { minItems: 3, maxItems: 3 }),
    wallMs: Type.Number({ minimum: 0 }),
    /** CPU time of the measuring process (and of the backend's process, when it is another) over the measurement. */
    cpuMs: Type.Number({ minimum: 0 }),
    /** The share of all the machine's CPU time that went to other processes; null without /proc/stat. */
    othersCpuShare: OrNull(Type.Number({ minimum: 0, maximum: 1 })),
    /** The share stolen by the hypervisor (a virtual machine's neighbours); null where the kernel does not say. */
    stealShare: OrNull(Type.Number({ minimum: 0, maximum: 1 })),
    /** Other processes took more than a quarter of the machine or steal passed 2%; without /proc/stat, the load average passed the core count. */
    busy: Type.Boolean(),
  },
  { description: 'how busy the machine was while this was measured', additionalProperties: false },
);
export type MachineState = Static<typeof MACHINE_STATE>;

export const BUSY_OTHERS_SHARE = 0.25;
export const BUSY_STEAL_SHARE = 0.02;

/** Starts watching the machine; the returned function ends it. `ownCpuMs` gives the CPU time of what is measured (this process, plus a backend process). */
export function watchMachine(ownCpuMs: () => number = () => selfCpuMs()): () => MachineState {
  const before = { load: loadavg(), ticks: machineTicks(), cpu: ownCpuMs(), t: performance.now() };
  return () => {
    const ticks = machineTicks();
    const cpuMs = ownCpuMs() - before.cpu;
    const n = cpus().length;
    let othersCpuShare: number | null = null;
    let stealShare: number | null = null;
    if (before.ticks && ticks && ticks.total > before.ticks.total) {
      const total = ticks.total - before.ticks.total;
      const busy = total - (ticks.idle - before.ticks.idle);
      othersCpuShare = Math.min(1, Math.max(0, (busy - cpuMs / TICK_MS) / total));
      stealShare = (ticks.steal - before.ticks.steal) / total;
    }
    const loadAverageAfter = loadavg();
    // The load average counts the measured engine's own threads too (a 2-thread whisper.cpp call
    // on 2 cores alone holds it near 2), so it marked every full-size bench row busy on a quiet
    // machine; where /proc/stat gives the others' share, that share and steal decide, and the load
    // average only where the kernel says nothing else.
    const busy = othersCpuShare === null ? Math.max(before.load[0]!, loadAverageAfter[0]!) > n : othersCpuShare > BUSY_OTHERS_SHARE || (stealShare ?? 0) > BUSY_STEAL_SHARE;
    return { cpus: n, loadAverageBefore: before.load, loadAverageAfter, wallMs: performance.now() - before.t, cpuMs, othersCpuShare, stealShare, busy };
  };
}

