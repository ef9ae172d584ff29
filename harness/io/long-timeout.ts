/**
 * Node's setTimeout holds its delay in a signed 32-bit integer: a delay above 2^31 - 1 ms
 * (24.8 days) is replaced by 1 ms, with only a warning, so a timeout computed from what the user
 * asked for (a call timeout times 3600 runs) fired at once and killed a healthy run. This one
 * waits as long as it is told, in steps no longer than the largest delay Node keeps.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimeout {
  clear(): void;
}

export function setLongTimeout(fire: () => void, delayMs: number): LongTimeout {
  let t: NodeJS.Timeout;
  const due = performance.now() + delayMs;
  const arm = () => {
    const left = due - performance.now();
    if (left <= MAX_TIMER_MS) t = setTimeout(fire, Math.max(0, left));
    else t = setTimeout(arm, MAX_TIMER_MS);
  };
  arm();
  return { clear: () => clearTimeout(t) };
}
