import koffi from 'koffi';
import { InferenceError, ModelError } from '../../../harness/errors.ts';
import { inspectModelFile, type ModelFileInfo } from './ggml-model-file.ts';
import type { WhisperLibrary } from './whisper-library.ts';

export interface DecodeOptions {
  threads: number;
  /** ISO code such as "en"; "auto" lets the model detect it. */
  language: string;
  /** Parity runs default to no timestamps: fewer special tokens to disagree on, as in the reference pipeline. */
  noTimestamps: boolean;
}

export interface Segment {
  startMs: number;
  endMs: number;
  text: string;
}

export interface Transcript {
  text: string;
  segments: Segment[];
  /** Text tokens only (ids below end-of-text), in order, across segments. */
  tokens: number[];
  /** Probability whisper.cpp gave each text token. */
  tokenProbs: number[];
  timings: { totalMs: number; encodeMsPerWindow: number; decodeMsPerStep: number };
}

/** whisper.cpp's own account of the last call (whisper_print_timings), in ms. */
export interface EngineTimings {
  melMs: number;
  sampleMs: number;
  encodeMs: number;
  decodeMs: number;
  batchdMs: number;
  promptMs: number;
  /** The sum of the stages above: the time whisper.cpp accounts for. */
  stagesMs: number;
  /** From whisper_reset_timings (just before the call) to whisper_print_timings (after it returned). */
  totalMs: number;
}

export interface ContextOptions {
  useGpu: boolean;
  gpuDevice: number;
  flashAttn: boolean;
}

/** One 30 s window of 16 kHz audio: what one encoder pass covers. */
const WINDOW_SAMPLES = 30 * 16000;

const timingsStruct = koffi.struct('asr_parity_whisper_timings', {
  sample_ms: 'float',
  encode_ms: 'float',
  decode_ms: 'float',
  batchd_ms: 'float',
  prompt_ms: 'float',
});

/**
 * A loaded model: one whisper.cpp context. whisper_full is not thread-safe on one context, so
 * calls are queued; they run on koffi's worker thread (`.async`) to keep the event loop free.
 */
export class WhisperModel {
  private ctx: unknown;
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * The audio whose first 30 s window the context's state holds encoded, and the thread count it
   * was encoded with: the gate teacher-forces each case right after transcribing it, and the
   * encoder (most of a call: 32 layers against distil-large-v3's 2 decoder layers) need not run
   * twice on the same window. Set only when whisper_full encoded exactly that window.
   */
  private encoded?: { samples: Buffer; threads: number };
  /** How many times teacher forcing ran the encoder itself (for the test that reuse happens, and only when it may). */
  forcedEncodes = 0;
  readonly file: ModelFileInfo;
  readonly loadMs: number;
  readonly eot: number;
  readonly typeName: string;

  private constructor(readonly lib: WhisperLibrary, file: ModelFileInfo, ctx: unknown, loadMs: number) {
    this.ctx = ctx;
    this.file = file;
    this.loadMs = loadMs;
    this.eot = lib.fn.tokenEot(ctx);
    this.typeName = String(lib.fn.modelTypeReadable(ctx));
  }

  static load(lib: WhisperLibrary, modelPath: string, opts: Partial<ContextOptions> = {}): WhisperModel {
    const file = inspectModelFile(modelPath);
    const params = lib.fn.contextDefaultParams();
    params.use_gpu = opts.useGpu ?? false;
    params.gpu_device = opts.gpuDevice ?? 0;
    if (opts.flashAttn !== undefined) params.flash_attn = opts.flashAttn;
    const t0 = performance.now();
    const logMark = lib.logMark();
    const ctx = lib.fn.initFromFile(modelPath, params);
    const loadMs = performance.now() - t0;
    if (!ctx) {
      const why = lib.logSince(logMark).filter((l) => /error|invalid|failed|wrong/i.test(l)).pop();
      throw new ModelError(modelPath, `whisper.cpp could not load the model${why ? `: ${why}` : ''}`, 'check that the file is a whisper.cpp ggml model matching the library');
    }
    return new WhisperModel(lib, file, ctx, loadMs);
  }

  private get handle(): unknown {
    if (!this.ctx) throw new InferenceError(this.file.path, 'model was already freed', 'load it again');
    return this.ctx;
  }

  fullParams(opts: DecodeOptions): Record<string, unknown> {
    const p = this.lib.fn.fullDefaultParams(0) as Record<string, unknown>;
    p.n_threads = opts.threads;
    p.language = opts.language;
    p.detect_language = false;
    p.no_timestamps = opts.noTimestamps;
    // Temperature fallback samples at T>0 on hard inputs: transcripts would change run to run.
    p.temperature = 0;
    p.temperature_inc = 0;
    // Each 30 s window decodes on its own: no earlier text as prompt, so chunking and
    // concurrency cannot change what a window says.
    p.no_context = true;
    p.print_progress = false;
    p.print_realtime = false;
    p.print_timestamps = false;
    p.print_special = false;
    return p;
  }

  transcribe(samples: Float32Array, opts: DecodeOptions): Promise<Transcript> {
    const run = this.queue.then(() => this.runFull(samples, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private runFull(samples: Float32Array, opts: DecodeOptions): Promise<Transcript> {
    const ctx = this.handle;
    const fn = this.lib.fn;
    const params = this.fullParams(opts);
    fn.resetTimings(ctx);
    this.encoded = undefined;
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      fn.full.async(ctx, params, samples, samples.length, (err: unknown, rc: number) => {
        const totalMs = performance.now() - t0;
        if (err) return reject(new InferenceError(this.file.path, `whisper_full failed: ${String(err)}`));
        if (rc !== 0) return reject(new InferenceError(this.file.path, `whisper_full returned ${rc}`, this.lib.recentLog().slice(-1)[0]));
        try {
          const t = this.collect(ctx, totalMs);
          // Audio of one window (30 s or less) is encoded once, at offset 0, from the same mel
          // whisper_pcm_to_mel makes; shorter than 1 s whisper_full encodes nothing (encode time 0).
          if (samples.length <= WINDOW_SAMPLES && t.timings.encodeMsPerWindow > 0) this.encoded = { samples: Buffer.from(samples.buffer.slice(samples.byteOffset, samples.byteOffset + samples.byteLength)), threads: opts.threads };
          resolve(t);
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  private collect(ctx: unknown, totalMs: number): Transcript {
    const fn = this.lib.fn;
    const segments: Segment[] = [];
    const tokens: number[] = [];
    const tokenProbs: number[] = [];
    const n = fn.nSegments(ctx);
    for (let i = 0; i < n; i++) {
      segments.push({ startMs: Number(fn.segmentT0(ctx, i)) * 10, endMs: Number(fn.segmentT1(ctx, i)) * 10, text: String(fn.segmentText(ctx, i)) });
      const nt = fn.nTokens(ctx, i);
      for (let k = 0; k < nt; k++) {
        const id = fn.tokenId(ctx, i, k);
        if (id < this.eot) {
          tokens.push(id);
          tokenProbs.push(fn.tokenP(ctx, i, k));
        }
      }
    }
    // whisper_get_timings allocates a 20-byte struct per call that the C API gives no way to
    // free; one call per transcription is an accepted, bounded leak.
    const tp = fn.getTimings(ctx);
    const t = tp ? (koffi.decode(tp, timingsStruct) as { encode_ms: number; decode_ms: number }) : { encode_ms: Number.NaN, decode_ms: Number.NaN };
    return {
      text: segments.map((s) => s.text).join('').trim(),
      segments,
      tokens,
      tokenProbs,
      timings: { totalMs, encodeMsPerWindow: t.encode_ms, decodeMsPerStep: t.decode_ms },
    };
  }

  /**
   * whisper.cpp's own timings of the last transcription, read from the lines
   * whisper_print_timings logs; undefined when its log goes to stderr (ASR_PARITY_WHISPER_LOG).
   * Call right after transcribe() resolves, before any other call on this model.
   */
  engineTimings(): EngineTimings | undefined {
    this.lib.fn.printTimings(this.handle);
    const log = this.lib.recentLog();
    const last = (label: string) => {
      const line = [...log].reverse().find((l) => l.startsWith('whisper_print_timings:') && l.includes(`${label} time =`));
      return line ? Number(/=\s*([\d.]+) ms/.exec(line)?.[1]) : Number.NaN;
    };
    const t = { melMs: last('mel'), sampleMs: last('sample'), encodeMs: last('encode'), decodeMs: last('decode'), batchdMs: last('batchd'), promptMs: last('prompt'), totalMs: last('total') };
    if (Object.values(t).some((v) => Number.isNaN(v))) return undefined;
    return { ...t, stagesMs: t.melMs + t.sampleMs + t.encodeMs + t.decodeMs + t.batchdMs + t.promptMs };
  }

  /** The tokens whisper_full puts before the first generated token, for teacher forcing. */
  promptTokens(opts: DecodeOptions): number[] {
    const fn = this.lib.fn;
    const ctx = this.handle;
    const prompt = [fn.tokenSot(ctx)];
    if (fn.isMultilingual(ctx)) {
      const lang = fn.langId(opts.language);
      if (lang < 0) throw new InferenceError(opts.language, 'unknown language code', 'use an ISO 639-1 code such as "en"');
      prompt.push(fn.tokenLang(ctx, lang), fn.tokenTranscribe(ctx));
    }
    if (opts.noTimestamps) prompt.push(fn.tokenNot(ctx));
    return prompt;
  }

  /**
   * Teacher forcing: encode the first 30 s window, then feed `tokens` one at a time and return
   * the raw logits (before whisper.cpp's suppression rules) that predicted each of them, plus
   * the logits after the last one (which should predict end-of-text).
   */
  forcedLogits(samples: Float32Array, tokens: number[], opts: DecodeOptions): Promise<Float32Array[]> {
    // ggml asserts (and aborts the process) on a token id outside the vocabulary: a baseline
    // whose vocabulary is larger than this model's would otherwise kill the run
    const bad = tokens.find((t) => !Number.isInteger(t) || t < 0 || t >= this.file.nVocab);
    if (bad !== undefined) return Promise.reject(new InferenceError(this.file.path, `token ${bad} is outside this model's vocabulary of ${this.file.nVocab}`, 'the baseline and device models must share a vocabulary'));
    if (tokens.length + this.promptTokens(opts).length >= this.lib.fn.nTextCtx(this.handle)) return Promise.reject(new InferenceError(this.file.path, `${tokens.length} forced tokens exceed the text context`, 'teacher forcing covers one 30 s window'));
    const run = this.queue.then(() => this.runForced(samples, tokens, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The first 30 s window of `samples` encoded in the context's state, unless it already is (just transcribed, forced or detected). */
  private encodeFirstWindow(samples: Float32Array, threads: number): void {
    const fn = this.lib.fn;
    const ctx = this.handle;
    const same = this.encoded && this.encoded.threads === threads && this.encoded.samples.equals(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
    if (same) return;
    this.encoded = undefined;
    if (fn.pcmToMel(ctx, samples, samples.length, threads) !== 0) throw new InferenceError(this.file.path, 'whisper_pcm_to_mel failed');
    if (fn.encode(ctx, 0, threads) !== 0) throw new InferenceError(this.file.path, 'whisper_encode failed');
    this.forcedEncodes++;
    if (samples.length <= WINDOW_SAMPLES) this.encoded = { samples: Buffer.from(samples.buffer.slice(samples.byteOffset, samples.byteOffset + samples.byteLength)), threads };
  }

  /** Unchecked: forcedLogits validates tokens first. Public only so the isolation test can reach a real native abort. */
  runForced(samples: Float32Array, tokens: number[], opts: DecodeOptions): Float32Array[] {
    const fn = this.lib.fn;
    const ctx = this.handle;
    const nVocab = this.file.nVocab;
    this.encodeFirstWindow(samples, opts.threads);
    const steps: Float32Array[] = [];
    const readLast = (n: number) => {
      const ptr = fn.getLogits(ctx);
      // only the last position's row: whisper_decode's legacy batch fills no other
      steps.push(Float32Array.from(koffi.decode(ptr, (n - 1) * nVocab * 4, 'float', nVocab) as number[]));
    };
    const prompt = this.promptTokens(opts);
    if (fn.decode(ctx, Int32Array.from(prompt), prompt.length, 0, opts.threads) !== 0) throw new InferenceError(this.file.path, 'whisper_decode failed on the prompt');
    readLast(prompt.length);
    let nPast = prompt.length;
    for (const t of tokens) {
      if (fn.decode(ctx, Int32Array.of(t), 1, nPast, opts.threads) !== 0) throw new InferenceError(this.file.path, `whisper_decode failed at position ${nPast}`);
      nPast++;
      readLast(1);
    }
    return steps;
  }

  /**
   * Language identification as whisper_lang_auto_detect computes it: one decoder step after the
   * start-of-transcript token alone over the first 30 s window, softmax over the language tokens
   * (whisper_token_lang of each id up to whisper_lang_max_id); the language is the first maximum.
   * Not whisper_lang_auto_detect itself: it runs the encoder again on every call, and the gate
   * asks right after transcribing and teacher-forcing the same window, which is still encoded
   * (the encoder was 1-2 s a case on the fixture model, for nothing). Queued like every call.
   */
  detectLanguage(samples: Float32Array, threads: number): Promise<{ language: string; probabilities: Record<string, number> }> {
    const run = this.queue.then(() => {
      const fn = this.lib.fn;
      const ctx = this.handle;
      this.encodeFirstWindow(samples, threads);
      const sot = Int32Array.of(fn.tokenSot(ctx));
      if (fn.decode(ctx, sot, 1, 0, threads) !== 0) throw new InferenceError(this.file.path, 'whisper_decode failed on the start-of-transcript token');
      const logits = fn.getLogits(ctx);
      const n = fn.langMaxId() + 1;
      const raw = Array.from({ length: n }, (_, i) => (koffi.decode(logits, fn.tokenLang(ctx, i) * 4, 'float', 1) as number[])[0]!);
      const max = Math.max(...raw);
      const exp = raw.map((x) => Math.exp(x - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      const probabilities = Object.fromEntries(exp.map((e, i) => [String(fn.langStr(i)), e / sum]));
      return { language: String(fn.langStr(raw.indexOf(max))), probabilities };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Whether the model has language tokens to detect with (whisper_is_multilingual). */
  get multilingual(): boolean {
    return this.lib.fn.isMultilingual(this.handle) !== 0;
  }

  tokenText(id: number): string {
    return String(this.lib.fn.tokenToStr(this.handle, id));
  }

  free(): void {
    if (this.ctx) {
      this.lib.fn.free(this.ctx);
      this.ctx = undefined;
    }
  }
}
