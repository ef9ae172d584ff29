import koffi from 'koffi';

export interface GgmlDevice {
  index: number;
  /** "CPU", "CUDA0", "CANN0", ... */
  name: string;
  description: string;
  /** ggml_backend_dev_type: 0 CPU, 1 GPU, 2 integrated GPU, 3 accelerator. */
  type: number;
}

type DeviceFns = {
  count: () => number;
  get: (i: number) => unknown;
  name: (d: unknown) => string;
  description: (d: unknown) => string;
  type: (d: unknown) => number;
  memory: (d: unknown, free: number[], total: number[]) => void;
};

const bound = new Map<string, DeviceFns | null>();

function fns(libraryPath: string): DeviceFns | null {
  if (bound.has(libraryPath)) return bound.get(libraryPath)!;
  let f: DeviceFns | null = null;
  try {
    const lib = koffi.load(libraryPath);
    // upstream's ggml_*, or whisper.rn's vendored tree with every ggml symbol prefixed wsp_
    const prefix = ['ggml_', 'wsp_ggml_'].find((p) => {
      try {
        lib.func(`${p}backend_dev_count`, 'size_t', []);
        return true;
      } catch {
        return false;
      }
    });
    if (!prefix) throw new Error('no ggml device API');
    f = {
      count: lib.func(`${prefix}backend_dev_count`, 'size_t', []),
      get: lib.func(`${prefix}backend_dev_get`, 'void *', ['size_t']),
      name: lib.func(`${prefix}backend_dev_name`, 'const char *', ['void *']),
      description: lib.func(`${prefix}backend_dev_description`, 'const char *', ['void *']),
      type: lib.func(`${prefix}backend_dev_type`, 'int', ['void *']),
      memory: lib.func(`${prefix}backend_dev_memory`, 'void', ['void *', koffi.out('size_t *'), koffi.out('size_t *')]),
    };
  } catch {
    // a libwhisper that does not re-export ggml's device API: nothing to list
    f = null;
  }
  bound.set(libraryPath, f);
  return f;
}

/** The compute devices a libwhisper's ggml offers: how to tell a CUDA or CANN build from a CPU one without loading a model. */
export function ggmlDevices(libraryPath: string): GgmlDevice[] {
  const f = fns(libraryPath);
  if (!f) return [];
  return Array.from({ length: Number(f.count()) }, (_, index) => {
    const d = f.get(index);
    return { index, name: String(f.name(d)), description: String(f.description(d)), type: f.type(d) };
  });
}

/** Free and total memory of one ggml device, as its backend reports it (cudaMemGetInfo, aclrtGetMemInfo). */
export function ggmlDeviceMemory(libraryPath: string, index: number): { freeBytes: number; totalBytes: number } {
  const f = fns(libraryPath);
  if (!f) throw new Error(`${libraryPath} has no ggml device API`);
  const free = [0];
  const total = [0];
  f.memory(f.get(index), free, total);
  return { freeBytes: Number(free[0]), totalBytes: Number(total[0]) };
}
