import { PARITY_MODELS } from '../../harness/io/default-paths.ts';
import { cannSocSupport, defaultAclLibrary, probeAscend } from './ascend-acl.ts';
import type { Backend } from '../types.ts';
import { whisperCppBackend, type ProbeResult, type WhisperCppOptions } from './whisper-cpp.ts';

export interface CannSpec {
  name: string;
  description: string;
  /**
   * Whether the libwhisper must offer a CANN ggml device and whisper.cpp must pick it. Only
   * the test stand-in turns this off: it pairs the ACL stand-in with the CPU library.
   */
  requireCannDevice: boolean;
  /** libascendcl.so to probe when none is given (the stand-in's path in tests). */
  aclLibrary?: () => string;
}

async function probe(spec: CannSpec, opts: WhisperCppOptions): Promise<ProbeResult> {
  // the entry's aclLibrary (validated as a string by the field below), then the spec's, then ASR_PARITY_ACL_LIB or the toolkit's
  const acl = (opts.aclLibrary as string | undefined) ?? spec.aclLibrary?.() ?? defaultAclLibrary();
  const r = probeAscend(acl, opts.device ?? 0);
  if (!r.ok) return r;
  const soc = cannSocSupport(r.probe.socName);
  if (soc.status === 'unsupported') return { ok: false, reason: soc.note };
  return {
    ok: true,
    facts: {
      deviceName: r.probe.socName,
      aclLibrary: acl,
      npuCount: r.probe.deviceCount,
      npuIndex: r.probe.device,
      npuHbmBytes: r.probe.totalBytes,
      socSupport: soc.status,
      socNote: soc.note,
      ...(spec.requireCannDevice ? {} : { standIn: 'AscendCL stand-in with the CPU libwhisper: exercises the binding, not an NPU' }),
    },
    memory: () => {
      r.runtime.setDevice(r.probe.device);
      return r.runtime.memInfo();
    },
  };
}

/** whisper.cpp with its CANN backend (a libwhisper built with -DGGML_CANN=1) on an Ascend NPU, f16 weights. */
export function cannBackend(spec: CannSpec): Backend<WhisperCppOptions> {
  return whisperCppBackend({
    name: spec.name,
    description: spec.description,
    device: 'npu',
    precision: 'fp16',
    modelEnv: 'ASR_PARITY_MODEL_CANN',
    libraryEnv: 'ASR_PARITY_CANN_WHISPER_LIB',
    // the CPU build is no CANN build: without a library named for CANN there is nothing to run
    defaultLibrary: () => (spec.requireCannDevice ? undefined : process.env.ASR_PARITY_WHISPER_LIB),
    defaultModel: () => PARITY_MODELS.fp16,
    fields: { aclLibrary: { type: 'string', minLength: 1, description: 'libascendcl.so to probe, relative to the config file' } },
    paths: ['aclLibrary'],
    accelerator: { probe: (opts) => probe(spec, opts), ggmlDevice: spec.requireCannDevice ? 'CANN' : undefined },
  });
}
