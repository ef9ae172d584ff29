import koffi, { type TypeObject } from 'koffi';

/**
 * whisper.h struct layouts, copied field for field from whisper.cpp 1.9.x (identical text in
 * 1.9.1 and 1.9.3-dev). whisper_full() takes whisper_full_params BY VALUE: a layout from another
 * version is not an error whisper.cpp can report, it is silently wrong memory. So a layout is
 * only ever used with a library whose whisper_version() is listed in `versions`.
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

let abi19: WhisperAbi | undefined;

export function whisperAbi19(): WhisperAbi {
  if (abi19) return abi19;
  const aheads = koffi.struct('asr_parity_whisper_aheads', { n_heads: 'size_t', heads: 'void *' });
  const contextParams = koffi.struct('asr_parity_whisper_context_params_19', {
    use_gpu: 'bool',
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
  abi19 = { id: 'whisper.cpp-1.9', versions: /^1\.9\.\d+(-dev)?$/, contextParams, fullParams, tokenData, fullParamsSize: 304 };
  return abi19;
}

/** The layouts asr-parity knows. Adding a whisper.cpp version means adding its layout here. */
export function abiForVersion(version: string): WhisperAbi | undefined {
  const a = whisperAbi19();
  return a.versions.test(version) ? a : undefined;
}
