import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What a Python interpreter offers the torch backends: found without a model, once per interpreter and install. */
export interface TorchProbe {
  python: string;
  /** Absent: no torch importable (`error` says why). */
  torch?: string;
  /** torch.version.cuda: the CUDA the build was made for, null for a CPU-only build. */
  cudaBuild?: string | null;
  cudaDevices?: string[];
  /** torch_npu's version, or why it did not import. */
  torchNpu?: string;
  torchNpuError?: string;
  npuDevices?: number;
  /** Whether float16 matrices multiply on this CPU (torch 1.13 has no CPU kernel for it). */
  cpuFloat16Matmul?: boolean;
  cpuFloat16Error?: string;
  error?: string;
}

// Stage 1 (cheap, no torch import): where torch and torch_npu would come from; the key of the cache.
// Stage 2 (seconds: imports torch, and torch_npu where present): what they offer.
const SCRIPT = String.raw`
import importlib.util, json, os, sys
out = {"python": sys.executable}
spec = importlib.util.find_spec("torch")
npu = importlib.util.find_spec("torch_npu")
if sys.argv[1] == "where":
    st = lambda p: os.stat(p).st_mtime_ns if p and os.path.exists(p) else None
    print(json.dumps([sys.version, spec and spec.origin, st(spec and spec.origin), npu and npu.origin, st(npu and npu.origin), os.path.exists("/dev/nvidiactl"), sorted(d for d in os.listdir("/dev") if d.startswith("davinci"))]))
    sys.exit()
if spec is None:
    out["error"] = "torch is not installed for " + sys.executable
    print(json.dumps(out)); sys.exit()
sys.stdout = sys.stderr
import torch
out["torch"] = torch.__version__
out["cudaBuild"] = torch.version.cuda
out["cudaDevices"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else []
try:
    (torch.ones(2, 2, dtype=torch.float16) @ torch.ones(2, 2, dtype=torch.float16))
    out["cpuFloat16Matmul"] = True
except RuntimeError as e:
    out["cpuFloat16Matmul"] = False
    out["cpuFloat16Error"] = str(e)
if npu is None:
    out["torchNpuError"] = "torch_npu is not installed"
else:
    try:
        import torch_npu
        out["torchNpu"] = getattr(torch_npu, "__version__", "unknown")
        out["npuDevices"] = torch.npu.device_count()
    except Exception as e:
        out["torchNpuError"] = "torch_npu did not import: %s: %s" % (type(e).__name__, e)
sys.__stdout__.write(json.dumps(out) + "\n")
`;

const CACHE = () => process.env.ASR_PARITY_TORCH_PROBE_CACHE ?? join(ROOT, '.cache', 'torch-probe.json');
const memo = new Map<string, Promise<TorchProbe>>();

async function probeUncached(python: string): Promise<TorchProbe> {
  try {
    statSync(python);
  } catch {
    return { python, error: `no Python at ${python}` };
  }
  let where: string;
  try {
    where = (await run(python, ['-c', SCRIPT, 'where'], { timeout: 30_000 })).stdout.trim();
  } catch (e) {
    return { python, error: `${python} did not run: ${(e as Error).message.split('\n')[0]}` };
  }
  const key = `${python} ${statSync(python).mtimeMs} ${where}`;
  let cache: Record<string, TorchProbe> = {};
  try {
    cache = JSON.parse(readFileSync(CACHE(), 'utf8')) as Record<string, TorchProbe>;
  } catch {
    // none yet, or unreadable: probed afresh
  }
  if (cache[key]) return cache[key]!;
  let probe: TorchProbe;
  try {
    probe = JSON.parse((await run(python, ['-c', SCRIPT, 'probe'], { timeout: 300_000, maxBuffer: 1 << 20 })).stdout.trim().split('\n').at(-1)!) as TorchProbe;
  } catch (e) {
    return { python, error: `importing torch with ${python} failed: ${(e as Error).message.split('\n').slice(0, 2).join(' ')}` };
  }
  try {
    mkdirSync(dirname(CACHE()), { recursive: true });
    writeFileSync(CACHE(), JSON.stringify({ ...cache, [key]: probe }, null, 1));
  } catch {
    // a read-only checkout: probed again next time
  }
  return probe;
}

/**
 * What `python` offers the torch backends, asked once per process and cached on disk keyed by
 * the interpreter and where torch and torch_npu are installed (and their modification times), so
 * `asr-parity backends` imports torch once per install, not at every start.
 */
export function probeTorch(python: string): Promise<TorchProbe> {
  let p = memo.get(python);
  if (!p) memo.set(python, (p = probeUncached(python)));
  return p;
}
