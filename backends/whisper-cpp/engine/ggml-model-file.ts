import { walkGgmlFile } from '../../../harness/checkpoint/ggml-file.ts';
import { ModelError } from '../../../harness/errors.ts';

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

/**
 * Walks a whisper.cpp ggml file's structure before whisper.cpp sees it (walkGgmlFile bounds every
 * length and ends exactly at end of file), and adds what whisper.cpp itself would trip on.
 */
export function inspectModelFile(path: string): ModelFileInfo {
  const f = walkGgmlFile(path);
  // whisper.cpp looks up the token " " with .at() and aborts the process if it is missing.
  if (!f.hasSpaceToken) throw new ModelError(path, 'vocabulary has no " " token (whisper.cpp would abort on it)', 'the file is corrupt, truncated or not a whisper.cpp ggml model');
  const h = f.hparams;
  const parameters = f.tensors.reduce((a, t) => a + t.elements, 0);
  return { path, bytes: f.size, nVocab: h.nVocab, nAudioState: h.nAudioState, nAudioLayer: h.nAudioLayer, nTextLayer: h.nTextLayer, nMels: h.nMels, ftype: f.ftype % 1000, tensors: f.tensors.length, parameters };
}
