import { UsageError } from '../harness/errors.ts';
import cpuFp16 from './cpu-fp16.ts';
import cpuFp32 from './cpu-fp32.ts';
import type { Backend } from './types.ts';

/** The one place backends are registered: add a file in backends/ and a line here. */
export const backends: Record<string, Backend> = {
  [cpuFp32.name]: cpuFp32,
  [cpuFp16.name]: cpuFp16,
};

export function getBackend(name: string): Backend {
  const b = backends[name];
  if (!b) throw new UsageError(name, 'unknown backend', `choose one of: ${Object.keys(backends).join(', ')}`);
  return b;
}
