import { readFileSync } from 'node:fs';
import { arch } from 'node:os';

/** The x86 extensions the SIMD build needs (each with its gcc flag), and the ones it uses when present. */
const REQUIRED = [
  ['avx', '-mavx'],
  ['avx2', '-mavx2'],
  ['fma', '-mfma'],
  ['f16c', '-mf16c'],
] as const;
const OPTIONAL = [['bmi2', '-mbmi2']] as const;

export type IsaChoice = { ok: true; name: string; cpuFlags: string[]; flags: string[] } | { ok: false; reason: string };

let thisCpu: Set<string> | undefined;

/** The CPU's feature flags from /proc/cpuinfo ("flags" line of the first processor); empty where there is none. Read once per process. */
export function cpuFlags(cpuinfo?: string): Set<string> {
  if (cpuinfo === undefined) {
    if (!thisCpu) {
      try {
        thisCpu = cpuFlags(readFileSync('/proc/cpuinfo', 'utf8'));
      } catch {
        thisCpu = new Set();
      }
    }
    return thisCpu;
  }
  const text = cpuinfo;
  const line = text.split('\n').find((l) => /^flags\s*:/.test(l));
  return new Set(line ? line.replace(/^flags\s*:/, '').trim().split(/\s+/) : []);
}

/**
 * The instruction set to compile for, from this CPU's flags: AVX2 with FMA and F16C (what
 * ggml's x86 kernels are written for), BMI2 where present. Anything less gets the prebuilt.
 */
export function chooseIsa(flags: Set<string> = cpuFlags(), machine: string = arch()): IsaChoice {
  if (machine !== 'x64') return { ok: false, reason: `the SIMD build is for x86-64, this is ${machine}` };
  const missing = REQUIRED.filter(([f]) => !flags.has(f)).map(([f]) => f.toUpperCase());
  if (missing.length) return { ok: false, reason: `this CPU lacks ${missing.join(', ')} (the SIMD build needs AVX, AVX2, FMA and F16C)` };
  const used = [...REQUIRED, ...OPTIONAL.filter(([f]) => flags.has(f))];
  return { ok: true, name: used.map(([f]) => f.toUpperCase()).join(' '), cpuFlags: used.map(([f]) => f), flags: used.map(([, flag]) => flag) };
}
