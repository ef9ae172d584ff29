import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ModelError } from '../../../harness/errors.ts';

/** whisper.cpp's legacy ggml model file starts with this uint32 ("ggml"); the fixtures' model writer uses it too. */
export const GGML_MAGIC = 0x67676d6c;

export interface ModelFileInfo {
  path: string;
  bytes: number;
  nVocab: number;
  nAudioState: number;
  nAudioLayer: number;
  nTextLayer: number;
  nMels: number;
  /** 0 = f32, 1 = f16, others are quantized formats. */
  ftype: number;
  tensors: number;
  /** Sum of tensor elements: the model's parameter count as the report states it. */
  parameters: number;
}

const TYPE_SIZE: Record<number, [blockBytes: number, blockElems: number]> = {
  0: [4, 1], // f32
  1: [2, 1], // f16
  2: [18, 32], // q4_0
  3: [20, 32], // q4_1
  6: [22, 32], // q5_0
  7: [24, 32], // q5_1
  8: [34, 32], // q8_0
};

/**
 * Walks a whisper.cpp ggml file's structure before whisper.cpp sees it. whisper.cpp does not
 * check its reads: a truncated or corrupt file can make it allocate absurd sizes or read past
 * the end. Here every length is bounded and the walk must end exactly at end of file.
 */
export function inspectModelFile(path: string): ModelFileInfo {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ModelError(path, 'model file not found', 'give --model a ggml whisper model, e.g. ggml-distil-large-v3.bin');
  }
  if (!st.isFile()) throw new ModelError(path, 'is not a file', 'give --model a ggml whisper model file');
  const size = st.size;
  const fd = openSync(path, 'r');
  let pos = 0;
  const fail = (problem: string): never => {
    throw new ModelError(path, problem, 'the file is corrupt, truncated or not a whisper.cpp ggml model');
  };
  // The walk reads the vocabulary a few bytes at a time (51,866 tokens in a large-v3 model):
  // served from a 1 MiB window, not one system call per field, which cost a quarter of a load.
  const window = Buffer.alloc(1 << 20);
  let windowStart = 0;
  let windowEnd = 0;
  const read = (n: number): Buffer => {
    if (pos + n > size) fail(`truncated: needs ${pos + n} bytes, file has ${size}`);
    if (n > window.length) {
      const b = Buffer.alloc(n);
      readSync(fd, b, 0, n, pos);
      pos += n;
      return b;
    }
    if (pos < windowStart || pos + n > windowEnd) {
      windowStart = pos;
      windowEnd = pos + readSync(fd, window, 0, Math.min(window.length, size - pos), pos);
      if (pos + n > windowEnd) fail(`truncated: needs ${pos + n} bytes, could read ${windowEnd}`);
    }
    const b = window.subarray(pos - windowStart, pos - windowStart + n);
    pos += n;
    return b;
  };
  const i32 = () => read(4).readInt32LE(0);
  try {
    if (size < 4 || read(4).readUInt32LE(0) !== GGML_MAGIC) fail('bad magic: not a ggml whisper model');
    const h = Array.from({ length: 11 }, i32) as [number, number, number, number, number, number, number, number, number, number, number];
    const [nVocab, nAudioCtx, nAudioState, nAudioHead, nAudioLayer, nTextCtx, nTextState, nTextHead, nTextLayer, nMels, ftypeRaw] = h;
    const dims = [nVocab, nAudioCtx, nAudioState, nAudioHead, nAudioLayer, nTextCtx, nTextState, nTextHead, nTextLayer, nMels];
    if (dims.some((v) => v <= 0 || v > 1 << 20)) fail(`implausible hyperparameters ${dims.join(',')}`);
    if (nAudioState !== nTextState) fail(`encoder width ${nAudioState} differs from decoder width ${nTextState}`);
    if (nAudioState % nAudioHead !== 0 || nTextState % nTextHead !== 0) fail('width is not a multiple of the head count');
    const ftype = ftypeRaw % 1000;
    const nMel = i32();
    const nFft = i32();
    if (nMel <= 0 || nFft <= 0 || nMel * nFft > 1 << 20) fail(`implausible mel filter shape ${nMel}x${nFft}`);
    pos += 4 * nMel * nFft;
    const nTokens = i32();
    if (nTokens < 0 || nTokens > nVocab) fail(`vocabulary of ${nTokens} tokens for n_vocab ${nVocab}`);
    let hasSpace = false;
    for (let i = 0; i < nTokens; i++) {
      const len = read(4).readUInt32LE(0);
      if (len > 1024) fail(`token ${i} is ${len} bytes long`);
      if (len === 1) {
        if (read(1)[0] === 0x20) hasSpace = true;
      } else pos += len;
    }
    // whisper.cpp looks up the token " " with .at() and aborts the process if it is missing.
    if (!hasSpace) fail('vocabulary has no " " token (whisper.cpp would abort on it)');
    let tensors = 0;
    let parameters = 0;
    while (pos < size) {
      const nDims = i32();
      const nameLen = i32();
      const ttype = i32();
      if (nDims < 1 || nDims > 4) fail(`tensor ${tensors}: ${nDims} dimensions`);
      if (nameLen <= 0 || nameLen > 256) fail(`tensor ${tensors}: name of ${nameLen} bytes`);
      const tsize = TYPE_SIZE[ttype];
      if (!tsize) fail(`tensor ${tensors}: unknown type ${ttype}`);
      let n = 1;
      for (let i = 0; i < nDims; i++) {
        const ne = i32();
        if (ne <= 0) fail(`tensor ${tensors}: dimension ${ne}`);
        n *= ne;
      }
      read(nameLen);
      const [bb, be] = tsize!;
      pos += Math.ceil(n / be) * bb;
      if (pos > size) fail(`truncated in tensor ${tensors}: needs ${pos} bytes, file has ${size}`);
      tensors++;
      parameters += n;
    }
    if (tensors === 0) fail('no tensors');
    return { path, bytes: size, nVocab, nAudioState, nAudioLayer, nTextLayer, nMels, ftype, tensors, parameters };
  } finally {
    closeSync(fd);
  }
}
