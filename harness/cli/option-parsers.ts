import { InvalidArgumentError } from 'commander';

export const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

export const positiveNumber = (v: string) => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a positive number');
  return n;
};

export const fraction = (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
};

export const nonNegative = (v: string) => {
  const n = Number(v);
  if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number >= 0');
  return n;
};

/** A rate: a fraction in [0, 1] ("0.01") or a percent in [0, 100] ("1%"). "5" is refused rather than read as 500%. */
export const rate = (v: string) => {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*%\s*$/.exec(v);
  const n = m ? Number(m[1]) / 100 : Number(v);
  if (!(n >= 0 && n <= 1) || v.trim() === '') throw new InvalidArgumentError('must be a fraction between 0 and 1 (0.01) or a percent (1%)');
  return n;
};

/** An integer of at least `min`; `why` says why the minimum exists. */
export const atLeast = (min: number, why: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be an integer >= ${min}: ${why}`);
  return n;
};

/** The sections of `asr-parity bench`, in the order they run. */
export const BENCH_SECTIONS = ['startup', 'score', 'engine', 'full-size', 'scale'] as const;

/** What `bench` runs without --only: full-size (it writes a 4 GB model pair and runs for tens of minutes) and scale (10,000 gate cases) are asked for by name. */
export const DEFAULT_BENCH_SECTIONS = BENCH_SECTIONS.filter((s) => s !== 'full-size' && s !== 'scale');

/** `fixtures --layout`: some of f32, f16, hf, separated by commas. */
export const shapedLayouts = (v: string) => {
  const xs = [...new Set(v.split(',').map((s) => s.trim()))];
  if (!xs.length || xs.some((x) => !['f32', 'f16', 'hf'].includes(x))) throw new InvalidArgumentError(`takes some of f32, f16, hf separated by commas, not "${v}"`);
  return xs as Array<'f32' | 'f16' | 'hf'>;
};

/** `bench --runs`: warm runs per backend, as backend=n separated by commas ("cpu-fp32=5,torch-cpu-bf16=1"). */
export const runsPerBackend = (v: string) => {
  const out: Record<string, number> = {};
  for (const part of v.split(',')) {
    const m = /^\s*([\w.-]+)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m || Number(m[2]) < 1) throw new InvalidArgumentError(`takes backend=runs separated by commas, runs >= 1 (cpu-fp32=5,torch-cpu-bf16=1), not "${part.trim()}"`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
};

/** A list of names separated by commas. */
export const nameList = (v: string) => {
  const xs = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!xs.length) throw new InvalidArgumentError('takes names separated by commas');
  return xs;
};

/** `bench --sizes`: utterance counts separated by commas. */
export const utteranceCounts = (v: string) => {
  const xs = v.split(',').map((s) => Number(s.trim()));
  if (xs.some((x) => !Number.isInteger(x) || x < 1)) throw new Error(`--sizes takes utterance counts separated by commas, not "${v}"`);
  return xs;
};

/** `bench --only`: some of BENCH_SECTIONS, separated by commas. */
export const benchSections = (v: string) => {
  const xs = v.split(',').map((s) => s.trim());
  const bad = xs.filter((x) => !(BENCH_SECTIONS as readonly string[]).includes(x));
  if (bad.length) throw new InvalidArgumentError(`takes ${BENCH_SECTIONS.join(', ')}, not "${bad.join(', ')}"`);
  return xs;
};
