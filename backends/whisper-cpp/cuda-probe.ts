import koffi from 'koffi';
import { installedFile } from './engine/whisper-library.ts';
import type { ProbeResult } from './whisper-cpp.ts';


/** The CUDA build of the same binding, if the user installed it (`npm install @fugood/node-whisper-linux-x64-cuda`). */
export function cudaLibrary(): string | undefined {
  return installedFile('@fugood/node-whisper-linux-x64-cuda/index.node');
}

/** The NVIDIA driver answers before any model is loaded: libcuda loads, cuInit succeeds, a device exists. */
export async function probeCuda(): Promise<ProbeResult> {
  let lib;
  try {
    lib = koffi.load('libcuda.so.1');
  } catch {
    return { ok: false, reason: 'no NVIDIA driver: libcuda.so.1 cannot be loaded' };
  }
  const cuInit = lib.func('cuInit', 'int', ['uint']);
  const cuDeviceGetCount = lib.func('cuDeviceGetCount', 'int', [koffi.out('int *')]);
  const cuDriverGetVersion = lib.func('cuDriverGetVersion', 'int', [koffi.out('int *')]);
  const rc = cuInit(0);
  if (rc !== 0) return { ok: false, reason: `cuInit failed with CUDA error ${rc} (no usable GPU)` };
  const n = [0];
  const v = [0];
  cuDeviceGetCount(n);
  cuDriverGetVersion(v);
  if (!n[0]) return { ok: false, reason: 'the NVIDIA driver sees no GPU' };
  return { ok: true, facts: { gpuCount: n[0], cudaDriver: `${Math.floor(v[0]! / 1000)}.${(v[0]! % 1000) / 10}` } };
}
