import { existsSync } from 'node:fs';
import { join } from 'node:path';
import koffi, { type LibraryHandle } from 'koffi';
import { LibraryAbiError } from '../../harness/errors.ts';

/** AscendCL codes asr-parity acts on (acl/acl_base.h). */
export const ACL_SUCCESS = 0;
export const ACL_ERROR_REPEAT_INITIALIZE = 100002;
const ACL_HBM_MEM = 1;

const ACL_ERRORS: Record<number, string> = {
  100000: 'ACL_ERROR_INVALID_PARAM',
  100001: 'ACL_ERROR_UNINITIALIZE',
  100002: 'ACL_ERROR_REPEAT_INITIALIZE',
  107001: 'ACL_ERROR_RT_INVALID_DEVICEID',
};

export class AclCallError extends Error {
  constructor(
    readonly fn: string,
    readonly aclCode: number,
  ) {
    super(`${fn} returned ${aclCode}${ACL_ERRORS[aclCode] ? ` (${ACL_ERRORS[aclCode]})` : ''}`);
  }
}

/** Where libascendcl.so is: ASR_PARITY_ACL_LIB, then the CANN toolkit's usual places, then the loader's search path. */
export function defaultAclLibrary(): string {
  if (process.env.ASR_PARITY_ACL_LIB) return process.env.ASR_PARITY_ACL_LIB;
  const homes = [process.env.ASCEND_TOOLKIT_HOME, process.env.ASCEND_HOME_PATH, '/usr/local/Ascend/ascend-toolkit/latest'].filter(Boolean) as string[];
  for (const h of homes) {
    const p = join(h, 'lib64', 'libascendcl.so');
    if (existsSync(p)) return p;
  }
  return 'libascendcl.so';
}

/**
 * ggml's CANN backend is built for the 910B and 310P families; on the original Ascend 910
 * (910A/910ProA/910PremiumA) its kernels are reported to fail with "not implemented".
 */
export function cannSocSupport(soc: string): { status: 'supported' | 'unsupported' | 'unverified'; note: string } {
  if (/^Ascend910B/i.test(soc)) return { status: 'supported', note: 'Ascend 910B: a SoC family ggml CANN is built for' };
  if (/^Ascend310P/i.test(soc)) return { status: 'supported', note: 'Ascend 310P: a SoC family ggml CANN is built for' };
  if (/^Ascend910(A|ProA|ProB|PremiumA)?$/i.test(soc)) {
    return { status: 'unsupported', note: `${soc} is the original Ascend 910: ggml's CANN backend supports 910B and 310P and is reported to fail here with "not implemented"` };
  }
  return { status: 'unverified', note: `${soc} is not among the SoCs ggml CANN documents (910B, 310P); its CMake SoC detection may not recognise the name (set SOC_TYPE when building): results are unverified` };
}

/** The AscendCL calls asr-parity needs, bound through koffi. One runtime per library path. */
export class AscendRuntime {
  private static cache = new Map<string, AscendRuntime>();
  private readonly f;
  private initializedHere = false;

  private constructor(
    readonly path: string,
    lib: LibraryHandle,
  ) {
    this.f = {
      init: lib.func('aclInit', 'int', ['const char *']),
      finalize: lib.func('aclFinalize', 'int', []),
      deviceCount: lib.func('aclrtGetDeviceCount', 'int', [koffi.out('uint32_t *')]),
      setDevice: lib.func('aclrtSetDevice', 'int', ['int32_t']),
      resetDevice: lib.func('aclrtResetDevice', 'int', ['int32_t']),
      socName: lib.func('aclrtGetSocName', 'const char *', []),
      memInfo: lib.func('aclrtGetMemInfo', 'int', ['int', koffi.out('size_t *'), koffi.out('size_t *')]),
    };
  }

  static open(path: string): AscendRuntime {
    const hit = AscendRuntime.cache.get(path);
    if (hit) return hit;
    let lib: LibraryHandle;
    try {
      lib = koffi.load(path);
    } catch (e) {
      throw new LibraryAbiError(path, `AscendCL cannot be loaded: ${(e as Error).message.split('\n')[0]}`, 'install the CANN toolkit and `source set_env.sh`, or set ASR_PARITY_ACL_LIB', { cause: e });
    }
    let rt: AscendRuntime;
    try {
      rt = new AscendRuntime(path, lib);
    } catch (e) {
      throw new LibraryAbiError(path, `not an AscendCL library: ${(e as Error).message}`, 'point ASR_PARITY_ACL_LIB at libascendcl.so', { cause: e });
    }
    AscendRuntime.cache.set(path, rt);
    return rt;
  }

  private check(fn: string, code: number): void {
    if (code !== ACL_SUCCESS) throw new AclCallError(fn, code);
  }

  /** aclInit; ACL_ERROR_REPEAT_INITIALIZE means someone (ggml's CANN backend, torch_npu) already did: not a failure. */
  init(): void {
    const code = this.f.init(null);
    if (code === ACL_SUCCESS) this.initializedHere = true;
    else if (code !== ACL_ERROR_REPEAT_INITIALIZE) throw new AclCallError('aclInit', code);
  }

  deviceCount(): number {
    const n = [0];
    this.check('aclrtGetDeviceCount', this.f.deviceCount(n));
    return n[0]!;
  }

  setDevice(id: number): void {
    this.check('aclrtSetDevice', this.f.setDevice(id));
  }

  socName(): string {
    const s = this.f.socName();
    if (!s) throw new AclCallError('aclrtGetSocName', -1);
    return String(s);
  }

  /** HBM of the current device, in bytes. */
  memInfo(): { freeBytes: number; totalBytes: number } {
    const free = [0];
    const total = [0];
    this.check('aclrtGetMemInfo', this.f.memInfo(ACL_HBM_MEM, free, total));
    return { freeBytes: Number(free[0]), totalBytes: Number(total[0]) };
  }

  /** Only undoes what this runtime did: finalizing an ACL that ggml initialised would pull it from under the model. */
  finalize(): void {
    if (this.initializedHere) {
      this.f.finalize();
      this.initializedHere = false;
    }
  }
}

export interface AscendProbe {
  aclLibrary: string;
  socName: string;
  deviceCount: number;
  device: number;
  totalBytes: number;
  freeBytes: number;
}

/** aclInit, device count, set device, SoC name, HBM: what must hold before a CANN model is worth loading. */
export function probeAscend(aclLibrary: string, device: number): { ok: true; probe: AscendProbe; runtime: AscendRuntime } | { ok: false; reason: string } {
  try {
    const rt = AscendRuntime.open(aclLibrary);
    rt.init();
    const count = rt.deviceCount();
    if (count === 0) return { ok: false, reason: `AscendCL (${aclLibrary}) sees no NPU` };
    if (device >= count) return { ok: false, reason: `NPU ${device} requested, AscendCL sees ${count}` };
    rt.setDevice(device);
    const mem = rt.memInfo();
    return { ok: true, probe: { aclLibrary, socName: rt.socName(), deviceCount: count, device, ...mem }, runtime: rt };
  } catch (e) {
    return { ok: false, reason: e instanceof LibraryAbiError ? e.message : `AscendCL probe failed: ${(e as Error).message}` };
  }
}
