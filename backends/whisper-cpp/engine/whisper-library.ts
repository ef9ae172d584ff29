import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import koffi, { type LibraryHandle } from 'koffi';
import { LibraryAbiError } from '../../../harness/errors.ts';
import { abiForVersion, abiLayoutText, firstLayoutDifference, whisperAbi19, whisperRnAbi19, type LibraryMarkers, type WhisperAbi } from './whisper-abi.ts';

/**
 * One loaded libwhisper: its C functions bound with the struct layout of its exact version.
 * Loaded once per path and kept: a shared library cannot be unloaded safely while contexts
 * created by it may still exist.
 */
export interface WhisperLibrary {
  path: string;
  version: string;
  systemInfo: string;
  abi: WhisperAbi;
  /** Whether the struct layout was checked against the library's own compiler-computed one, not only its version. */
  layoutVerified: boolean;
  fn: ReturnType<typeof bind>;
  /** The last lines whisper.cpp logged, so a failed load can say why. */
  recentLog(): string[];
  /**
   * A mark in the log, for reading only what one operation logged: take it before the call,
   * then logSince(mark). The log is shared by every library and load in the process, so
   * recentLog() also holds what earlier loads said.
   */
  logMark(): number;
  /** The lines logged after `mark` (those still kept: at most the last 200). */
  logSince(mark: number): string[];
}

const cache = new Map<string, WhisperLibrary>();
const require = createRequire(import.meta.url);

/**
 * The prebuilt CPU libwhisper that `npm install` brings (the whisper.node binding exports the C
 * API). Built without SIMD; the CPU backends use it only when there is no SIMD build (cpu-engine.ts).
 */
export function bundledLibraryPath(): string | undefined {
  return installedFile('@fugood/node-whisper-linux-x64/index.node');
}

/** A file of an npm package, if the package is installed (the prebuilt bindings are optional). */
export function installedFile(spec: string): string | undefined {
  try {
    return require.resolve(spec);
  } catch {
    return undefined;
  }
}

/** "@fugood/node-whisper-linux-x64@1.1.3", or undefined when it is not installed. */
export function bundledLibraryPackage(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(require.resolve('@fugood/node-whisper-linux-x64/package.json'), 'utf8')) as { name: string; version: string };
    return `${pkg.name}@${pkg.version}`;
  } catch {
    return undefined;
  }
}

function bind(lib: LibraryHandle, abi: WhisperAbi) {
  const ctxParams = abi.contextParams;
  const full = abi.fullParams;
  return {
    contextDefaultParams: lib.func('whisper_context_default_params', ctxParams, []),
    initFromFile: lib.func('whisper_init_from_file_with_params', 'void *', ['const char *', ctxParams]),
    free: lib.func('whisper_free', 'void', ['void *']),
    fullDefaultParams: lib.func('whisper_full_default_params', full, ['int']),
    full: lib.func('whisper_full', 'int', ['void *', full, 'const float *', 'int']),
    nSegments: lib.func('whisper_full_n_segments', 'int', ['void *']),
    segmentText: lib.func('whisper_full_get_segment_text', 'const char *', ['void *', 'int']),
    segmentT0: lib.func('whisper_full_get_segment_t0', 'int64_t', ['void *', 'int']),
    segmentT1: lib.func('whisper_full_get_segment_t1', 'int64_t', ['void *', 'int']),
    nTokens: lib.func('whisper_full_n_tokens', 'int', ['void *', 'int']),
    tokenId: lib.func('whisper_full_get_token_id', 'int32_t', ['void *', 'int', 'int']),
    tokenP: lib.func('whisper_full_get_token_p', 'float', ['void *', 'int', 'int']),
    tokenToStr: lib.func('whisper_token_to_str', 'const char *', ['void *', 'int32_t']),
    tokenEot: lib.func('whisper_token_eot', 'int32_t', ['void *']),
    tokenSot: lib.func('whisper_token_sot', 'int32_t', ['void *']),
    tokenNot: lib.func('whisper_token_not', 'int32_t', ['void *']),
    tokenTranscribe: lib.func('whisper_token_transcribe', 'int32_t', ['void *']),
    tokenLang: lib.func('whisper_token_lang', 'int32_t', ['void *', 'int']),
    langId: lib.func('whisper_lang_id', 'int', ['const char *']),
    langMaxId: lib.func('whisper_lang_max_id', 'int', []),
    langStr: lib.func('whisper_lang_str', 'const char *', ['int']),
    // whisper.cpp's own language identification (encoder included): what detectLanguage is checked against; lang_probs holds whisper_lang_max_id() + 1 floats
    langAutoDetect: lib.func('whisper_lang_auto_detect', 'int', ['void *', 'int', 'int', koffi.out(koffi.pointer('float'))]),
    nVocab: lib.func('whisper_n_vocab', 'int', ['void *']),
    nTextCtx: lib.func('whisper_n_text_ctx', 'int', ['void *']),
    isMultilingual: lib.func('whisper_is_multilingual', 'int', ['void *']),
    modelNAudioLayer: lib.func('whisper_model_n_audio_layer', 'int', ['void *']),
    modelNAudioState: lib.func('whisper_model_n_audio_state', 'int', ['void *']),
    modelNTextLayer: lib.func('whisper_model_n_text_layer', 'int', ['void *']),
    modelNMels: lib.func('whisper_model_n_mels', 'int', ['void *']),
    modelFtype: lib.func('whisper_model_ftype', 'int', ['void *']),
    modelTypeReadable: lib.func('whisper_model_type_readable', 'const char *', ['void *']),
    pcmToMel: lib.func('whisper_pcm_to_mel', 'int', ['void *', 'const float *', 'int', 'int']),
    encode: lib.func('whisper_encode', 'int', ['void *', 'int', 'int']),
    decode: lib.func('whisper_decode', 'int', ['void *', 'const int32_t *', 'int', 'int', 'int']),
    getLogits: lib.func('whisper_get_logits', 'float *', ['void *']),
    getTimings: lib.func('whisper_get_timings', 'void *', ['void *']),
    resetTimings: lib.func('whisper_reset_timings', 'void', ['void *']),
    printTimings: lib.func('whisper_print_timings', 'void', ['void *']),
  };
}

const LOG_KEEP = 200;
const logLines: string[] = [];
/** Lines logged so far: logLines holds numbers logCount - logLines.length + 1 to logCount. */
let logCount = 0;
let logCallback: unknown;

const logMark = (): number => logCount;
const logSince = (mark: number): string[] => {
  const n = Math.min(logCount - mark, logLines.length);
  return n > 0 ? logLines.slice(logLines.length - n) : [];
};

function installLogSink(lib: LibraryHandle): void {
  // whisper.cpp logs every load to stderr; keep its lines for error messages instead.
  const proto = koffi.proto(`void asr_parity_log_cb_${cache.size}(int level, const char *text, void *user)`);
  const setLog = lib.func('whisper_log_set', 'void', [koffi.pointer(proto), 'void *']);
  logCallback = koffi.register((_level: number, text: string) => {
    for (const line of String(text).split('\n')) {
      if (line.trim()) {
        logLines.push(line.trim());
        logCount++;
      }
    }
    if (logLines.length > LOG_KEEP) logLines.splice(0, logLines.length - LOG_KEEP);
  }, koffi.pointer(proto));
  setLog(logCallback, null);
  if (process.env.ASR_PARITY_WHISPER_LOG) setLog(null, null);
}

/** What tells apart libraries of one version string: the layout a build of asr-parity's reports, whisper.rn's symbol prefix. */
function libraryMarkers(lib: LibraryHandle): LibraryMarkers {
  const has = (name: string) => {
    try {
      lib.func(name, 'void', []);
      return true;
    } catch {
      return false;
    }
  };
  const compiledLayout = has('asr_parity_abi_layout') ? String(lib.func('asr_parity_abi_layout', 'const char *', [])()) : undefined;
  return { compiledLayout, whisperRnTree: has('wsp_ggml_init') };
}

export function loadWhisperLibrary(path: string): WhisperLibrary {
  const hit = cache.get(path);
  if (hit) return hit;
  if (!existsSync(path)) {
    throw new LibraryAbiError(path, 'library file not found', 'point ASR_PARITY_WHISPER_LIB or the backend\'s `library` at a libwhisper.so');
  }
  if (!statSync(path).isFile()) throw new LibraryAbiError(path, 'is not a file', 'expected a shared library such as libwhisper.so');
  let lib: LibraryHandle;
  try {
    lib = koffi.load(path);
  } catch (e) {
    throw new LibraryAbiError(path, `cannot be loaded as a shared library: ${(e as Error).message.split('\n')[0]}`, 'is it a libwhisper built for this OS and CPU?', { cause: e });
  }
  let version: string;
  try {
    version = String(lib.func('whisper_version', 'const char *', [])());
  } catch (e) {
    throw new LibraryAbiError(path, 'does not export whisper_version(): not a whisper.cpp library, or one older than 1.6', 'build libwhisper from whisper.cpp 1.9.x', { cause: e });
  }
  const markers = libraryMarkers(lib);
  const abi = abiForVersion(version, markers);
  if (!abi) {
    if (markers.compiledLayout !== undefined && /^1\.9\./.test(version)) {
      const expected = abiLayoutText(markers.whisperRnTree ? whisperRnAbi19() : whisperAbi19());
      throw new LibraryAbiError(path, `its whisper.h lays out ${firstLayoutDifference(expected, markers.compiledLayout)}`, 'the library was built from a whisper.h asr-parity does not know: add its layout to backends/whisper-cpp/engine/whisper-abi.ts');
    }
    throw new LibraryAbiError(path, `whisper.cpp version ${version} has a whisper_full_params layout asr-parity does not know`, 'use a whisper.cpp 1.9.x build, or add its layout to backends/whisper-cpp/engine/whisper-abi.ts');
  }
  const size = koffi.sizeof(abi.fullParams);
  if (size !== abi.fullParamsSize) {
    throw new LibraryAbiError(path, `whisper_full_params is ${size} bytes in koffi, expected ${abi.fullParamsSize}`, 'the ABI table does not match this platform');
  }
  installLogSink(lib);
  const fn = bind(lib, abi);
  const systemInfo = String(lib.func('whisper_print_system_info', 'const char *', [])()).trim();
  const loaded: WhisperLibrary = { path, version, systemInfo, abi, layoutVerified: markers.compiledLayout !== undefined, fn, recentLog: () => [...logLines], logMark, logSince };
  cache.set(path, loaded);
  return loaded;
}
