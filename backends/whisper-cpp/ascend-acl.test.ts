import koffi from 'koffi';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAscendclStandin } from '../../fixtures/standins/build-standin.ts';
import { DeviceMemorySampler } from './device-memory-sampler.ts';
import { ACL_ERROR_REPEAT_INITIALIZE, AscendRuntime, cannSocSupport, probeAscend } from './ascend-acl.ts';

/** The koffi AscendCL layer against the C stand-in (fixtures/standins): real calls, real return codes, no NPU. */
const lib = buildAscendclStandin();
const standin = koffi.load(lib);
const allocate = standin.func('aclStandinAllocate', 'void', ['int64_t']);
const transientFn = standin.func('aclStandinTransient', 'int32_t', ['int64_t', 'int32_t']);
/** A call on koffi's worker thread, as whisper_full is, that allocates `bytes` only for a while in its middle; resolves to how many HBM reads saw them. */
const transient = (bytes: number, timeoutMs: number) =>
  new Promise<number>((resolve, reject) => transientFn.async(bytes, timeoutMs, (err: unknown, seen: number) => (err ? reject(err) : resolve(seen))));
const ENV = ['ACL_STANDIN_SOC', 'ACL_STANDIN_DEVICES', 'ACL_STANDIN_FAIL', 'ACL_STANDIN_TOTAL_MB', 'ACL_STANDIN_USED'];
const MB = 2 ** 20;

afterEach(() => {
  for (const k of ENV) delete process.env[k];
});

describe('AscendCL through koffi (stand-in library)', () => {
  it('probes SoC, device count and HBM, and treats a repeated aclInit as success', () => {
    process.env.ACL_STANDIN_SOC = 'Ascend910B3';
    process.env.ACL_STANDIN_DEVICES = '2';
    process.env.ACL_STANDIN_TOTAL_MB = '1024';
    const first = probeAscend(lib, 1);
    const again = probeAscend(lib, 1);
    for (const r of [first, again]) {
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.probe).toMatchObject({ socName: 'Ascend910B3', deviceCount: 2, device: 1, totalBytes: 1024 * 2 ** 20 });
      expect(r.probe.freeBytes).toBeLessThan(r.probe.totalBytes);
    }
    // the second probe's aclInit returned 100002 and was still a success
    const rt = AscendRuntime.open(lib);
    expect(() => rt.init()).not.toThrow();
    expect(ACL_ERROR_REPEAT_INITIALIZE).toBe(100002);
  });

  it.each([
    ['aclInit failing', { ACL_STANDIN_FAIL: 'aclInit' }, 0, /aclInit returned 100000 \(ACL_ERROR_INVALID_PARAM\)/],
    ['no NPU', { ACL_STANDIN_DEVICES: '0' }, 0, /sees no NPU/],
    ['a device index past the last', { ACL_STANDIN_DEVICES: '1' }, 3, /NPU 3 requested, AscendCL sees 1/],
    ['aclrtSetDevice failing', { ACL_STANDIN_FAIL: 'aclrtSetDevice' }, 0, /aclrtSetDevice returned 107001 \(ACL_ERROR_RT_INVALID_DEVICEID\)/],
    ['aclrtGetMemInfo failing', { ACL_STANDIN_FAIL: 'aclrtGetMemInfo' }, 0, /aclrtGetMemInfo returned 100000/],
    ['no SoC name', { ACL_STANDIN_FAIL: 'aclrtGetSocName' }, 0, /aclrtGetSocName/],
  ])('turns %s into a reason', (_what, env, device, reason) => {
    Object.assign(process.env, env);
    const r = probeAscend(lib, device);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('says why a library that is not AscendCL cannot be used', () => {
    const r = probeAscend('/lib/x86_64-linux-gnu/libz.so.1', 0);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/libz\.so\.1: not an AscendCL library/);
    const missing = probeAscend('/nonexistent/libascendcl.so', 0);
    if (!missing.ok) expect(missing.reason).toMatch(/AscendCL cannot be loaded.*set_env\.sh/);
  });

  it('knows which SoCs ggml CANN supports, and says so for the original 910', () => {
    expect(cannSocSupport('Ascend910B4').status).toBe('supported');
    expect(cannSocSupport('Ascend310P3').status).toBe('supported');
    expect(cannSocSupport('Ascend910A')).toMatchObject({ status: 'unsupported', note: expect.stringMatching(/not implemented/) });
    expect(cannSocSupport('Ascend910_9362').status).toBe('unverified');
  });

  it('samples device memory around a load, and while work runs sees a peak that is gone before the work ends', async () => {
    const r = probeAscend(lib, 0);
    if (!r.ok) throw new Error(r.reason);
    const used = () => {
      const { freeBytes, totalBytes } = r.runtime.memInfo();
      return totalBytes - freeBytes;
    };
    const sampler = new DeviceMemorySampler(() => r.runtime.memInfo());
    sampler.beforeLoad();
    allocate(100 * MB); // the weights
    sampler.afterLoad();
    const usedAfterLoad = used();
    // activations: allocated after the call began, freed before it returns, so a sampler that
    // reads only before and after the call never sees them; only periodic sampling does
    const seen = await sampler.during(transient(50 * MB, 10_000));
    const m = sampler.memory();
    expect(m.allocatedBytes).toBe(100 * MB);
    expect(m.peakBytes, 'peak: the weights and the transient activations').toBe(150 * MB);
    expect(seen, 'HBM reads that saw the transient allocation while the call ran').toBeGreaterThan(0);
    expect(used(), 'the transient allocation is freed before the call returns').toBe(usedAfterLoad);
    allocate(-100 * MB);
  });
});
