import { spawnSync } from 'node:child_process';

/**
 * This machine's achievable f32 matrix-multiply rate, measured rather than computed: the
 * best of several square SGEMMs through numpy's BLAS (OpenBLAS on Debian) on `threads`
 * threads. Computing a peak from the clock and FMA width needs the core's FMA port count and
 * vector width, which /proc/cpuinfo does not give (a Zen 4 runs AVX-512 on 256-bit units), so
 * a measurement is the honest denominator for "how close the encoder comes". Measured on the
 * same machine in the same minute as the encoder, so both see the same load.
 */
export interface SgemmPeak {
  method: string;
  n: number;
  threads: number;
  repeats: number;
  bestMs: number;
  gflops: number;
  python: string;
  numpy: string;
  blas: string;
}

const SCRIPT = `
import json, sys, time
import numpy as np
n, reps = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
a = rng.standard_normal((n, n), dtype=np.float32)
b = rng.standard_normal((n, n), dtype=np.float32)
a @ b
best = float('inf')
for _ in range(reps):
    t0 = time.perf_counter(); a @ b; best = min(best, time.perf_counter() - t0)
# the BLAS actually loaded (Debian picks it by update-alternatives, not at numpy's build)
try:
    libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.lower() and '/' in l})
    blas = ', '.join(libs) or 'unknown'
except OSError:
    blas = 'unknown'
print(json.dumps({'bestMs': best * 1000, 'numpy': np.__version__, 'blas': blas}))
`;

/** Candidates for a Python with numpy: Debian's, then the one on PATH. */
const PYTHONS = ['/usr/bin/python3', 'python3'];

export function measureSgemmPeak(threads: number, n = 2048, repeats = 5): SgemmPeak | { unavailable: string } {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const problems: string[] = [];
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', SCRIPT, String(n), String(repeats)], { encoding: 'utf8', env, timeout: 600_000 });
    if (r.status !== 0) {
      problems.push(`${python}: ${r.error?.message ?? r.stderr.trim().split('\n').pop()}`);
      continue;
    }
    const o = JSON.parse(r.stdout) as { bestMs: number; numpy: string; blas: string };
    return { method: `best of ${repeats} SGEMMs ${n}x${n}x${n} through numpy (${o.blas === 'unknown' ? 'its BLAS' : o.blas}), measured now`, n, threads, repeats, bestMs: o.bestMs, gflops: (2 * n ** 3) / (o.bestMs / 1000) / 1e9, python, numpy: o.numpy, blas: o.blas };
  }
  return { unavailable: `no Python with numpy to run the SGEMM (${problems.join('; ')})` };
}
