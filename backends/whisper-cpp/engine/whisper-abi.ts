import koffi, { type TypeObject } from 'koffi';

/**
 * whisper.h struct layouts, copied field for field from whisper.cpp 1.9.x (identical text in
 * 1.9.1 and 1.9.3-dev). whisper_full() takes whisper_full_params BY VALUE: a layout from another
 * version is not an error whisper.cpp can report, it is silently wrong memory. So a layout is
 * only ever used with a library whose whisper_version() is listed in `versions`, and, where the
 * library was built by asr-parity, whose own compiler-computed layout (see abiLayoutText) matches.
 *
 * whisper.rn's vendored 1.9.3 tree (the source of the SIMD build, see engine-build/) adds one
 * field, `use_coreml`, after `use_gpu` in whisper_context_params: same size, every later bool
 * shifted. Read with the upstream layout, its `flash_attn` would be silently written as 0.
 */
export interface WhisperAbi {
  id: string;
  versions: RegExp;
  contextParams: TypeObject;
  fullParams: TypeObject;
  tokenData: TypeObject;
  /** sizeof(struct whisper_full_params) in C, checked against koffi's computed size. */
  fullParamsSize: number;
}

let abis19: { upstream: WhisperAbi; whisperRn: WhisperAbi } | undefined;

function layouts19(): { upstream: WhisperAbi; whisperRn: WhisperAbi } {
  if (abis19) return abis19;
  const aheads = koffi.struct('asr_parity_whisper_aheads', { n_heads: 'size_t', heads: 'void *' });
  const contextParamsOf = (name: string, coreml: boolean) =>
    koffi.struct(name, {
      use_gpu: 'bool',
      ...(coreml ? { use_coreml: 'bool' } : {}),
      flash_attn: 'bool',
      gpu_device: 'int',
      dtw_token_timestamps: 'bool',
      dtw_aheads_preset: 'int',
      dtw_n_top: 'int',
      dtw_aheads: aheads,
      dtw_mem_size: 'size_t',
    });
  const vadParams = koffi.struct('asr_parity_whisper_vad_params_19', {
    threshold: 'float',
    min_speech_duration_ms: 'int',
    min_silence_duration_ms: 'int',
    max_speech_duration_s: 'float',
    speech_pad_ms: 'int',
    samples_overlap: 'float',
  });
  const fullParams = koffi.struct('asr_parity_whisper_full_params_19', {
    strategy: 'int',
    n_threads: 'int',
    n_max_text_ctx: 'int',
    offset_ms: 'int',
    duration_ms: 'int',
    translate: 'bool',
    no_context: 'bool',
    no_timestamps: 'bool',
    single_segment: 'bool',
    print_special: 'bool',
    print_progress: 'bool',
    print_realtime: 'bool',
    print_timestamps: 'bool',
    token_timestamps: 'bool',
    thold_pt: 'float',
    thold_ptsum: 'float',
    max_len: 'int',
    split_on_word: 'bool',
    max_tokens: 'int',
    debug_mode: 'bool',
    audio_ctx: 'int',
    tdrz_enable: 'bool',
    suppress_regex: 'const char *',
    initial_prompt: 'const char *',
    carry_initial_prompt: 'bool',
    prompt_tokens: 'const int32_t *',
    prompt_n_tokens: 'int',
    language: 'const char *',
    detect_language: 'bool',
    suppress_blank: 'bool',
    suppress_nst: 'bool',
    temperature: 'float',
    max_initial_ts: 'float',
    length_penalty: 'float',
    temperature_inc: 'float',
    entropy_thold: 'float',
    logprob_thold: 'float',
    no_speech_thold: 'float',
    greedy: koffi.struct({ best_of: 'int' }),
    beam_search: koffi.struct({ beam_size: 'int', patience: 'float' }),
    new_segment_callback: 'void *',
    new_segment_callback_user_data: 'void *',
    progress_callback: 'void *',
    progress_callback_user_data: 'void *',
    encoder_begin_callback: 'void *',
    encoder_begin_callback_user_data: 'void *',
    abort_callback: 'void *',
    abort_callback_user_data: 'void *',
    logits_filter_callback: 'void *',
    logits_filter_callback_user_data: 'void *',
    grammar_rules: 'void *',
    n_grammar_rules: 'size_t',
    i_start_rule: 'size_t',
    grammar_penalty: 'float',
    vad: 'bool',
    vad_model_path: 'const char *',
    vad_params: vadParams,
  });
  const tokenData = koffi.struct('asr_parity_whisper_token_data_19', {
    id: 'int32_t',
    tid: 'int32_t',
    p: 'float',
    plog: 'float',
    pt: 'float',
    ptsum: 'float',
    t0: 'int64_t',
    t1: 'int64_t',
    t_dtw: 'int64_t',
    vlen: 'float',
  });
  const common = { versions: /^1\.9\.\d+(-dev)?$/, fullParams, tokenData, fullParamsSize: 304 };
  abis19 = {
    upstream: { id: 'whisper.cpp-1.9', contextParams: contextParamsOf('asr_parity_whisper_context_params_19', false), ...common },
    whisperRn: { id: 'whisper.rn-1.9', contextParams: contextParamsOf('asr_parity_whisper_context_params_19_rn', true), ...common },
  };
  return abis19;
}

/** Upstream whisper.cpp 1.9.x (and the 1.9.3-dev prebuilt). */
export function whisperAbi19(): WhisperAbi {
  return layouts19().upstream;
}

/** whisper.rn's vendored whisper.cpp 1.9.x: `use_coreml` in whisper_context_params. */
export function whisperRnAbi19(): WhisperAbi {
  return layouts19().whisperRn;
}

export interface LibraryMarkers {
  /** What the library's own compiler computed (asr_parity_abi_layout(), exported by builds made by asr-parity). */
  compiledLayout?: string;
  /** Whether its ggml symbols carry whisper.rn's `wsp_ggml_` prefix. */
  whisperRnTree?: boolean;
}

/**
 * The layout to use for a library, or undefined when asr-parity knows none. A layout the library
 * reports itself is authoritative; otherwise whisper.rn's tree is recognized by its symbol prefix
 * and anything else is taken as upstream of its version.
 */
export function abiForVersion(version: string, markers: LibraryMarkers = {}): WhisperAbi | undefined {
  const { upstream, whisperRn } = layouts19();
  const candidates = [upstream, whisperRn].filter((a) => a.versions.test(version));
  if (markers.compiledLayout !== undefined) return candidates.find((a) => abiLayoutText(a) === markers.compiledLayout);
  return candidates.find((a) => a === (markers.whisperRnTree ? whisperRn : upstream));
}

const LAYOUT_STRUCTS = [
  ['whisper_full_params', (a: WhisperAbi) => a.fullParams],
  ['whisper_context_params', (a: WhisperAbi) => a.contextParams],
] as const;

/** Each checked struct with its members in declaration order: what the C probe asks the compiler for. */
export function abiLayoutFields(abi: WhisperAbi): { struct: string; members: string[] }[] {
  return LAYOUT_STRUCTS.map(([struct, of]) => ({ struct, members: Object.keys((koffi.type(of(abi)) as unknown as { members: Record<string, unknown> }).members) }));
}

/**
 * The layout as one line per struct, "whisper_full_params size=304 strategy=0 n_threads=4 ...":
 * koffi's view here, the C compiler's view in a library's asr_parity_abi_layout().
 */
export function abiLayoutText(abi: WhisperAbi): string {
  return LAYOUT_STRUCTS.map(([struct, of]) => {
    const t = of(abi);
    const members = abiLayoutFields(abi).find((f) => f.struct === struct)!.members;
    return [`${struct} size=${koffi.sizeof(t)}`, ...members.map((m) => `${m}=${koffi.offsetof(t, m)}`)].join(' ');
  }).join('\n');
}

/** The first entry where two layout texts differ, for an error message ("whisper_context_params flash_attn=1 vs flash_attn=2"). */
export function firstLayoutDifference(expected: string, actual: string): string {
  const e = expected.split(/\s+/);
  const a = actual.split(/\s+/);
  let struct = '';
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] && !e[i]!.includes('=')) struct = e[i]!;
    if (e[i] !== a[i]) return `${struct} ${a[i] ?? '(missing)'} where asr-parity expects ${e[i] ?? '(nothing)'}`;
  }
  return 'none';
}
