import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hfFolderToGgml } from '../../harness/checkpoint/convert-whisper.ts';
import type { Precision } from '../../harness/checkpoint/ggml-file.ts';
import { folderSha256, isModelFolder, openHfWhisperFolder } from '../../harness/checkpoint/hf-whisper-folder.ts';

/**
 * whisper.cpp reads ggml files only; a Hugging Face Whisper folder named as a whisper.cpp
 * backend's model is converted once (harness/checkpoint, as convert-h5-to-ggml.py does) into a
 * cache keyed by the folder's content (the SHA-256 of each of its files) and the dtype, and
 * reused while the folder is unchanged. The folder and its hash stay the model's identity.
 */
export interface ModelSource {
  /** What whisper.cpp loads. */
  ggml: string;
  /** Set when the model was named as a Hugging Face folder. */
  hf?: { folder: string; sha256: string; dtypes: string[]; convertedNow: boolean };
}

/** Bumped when the conversion's output changes, so older cached files are not reused. */
const CONVERTER_VERSION = 1;

export function modelCacheDir(): string {
  return process.env.ASR_PARITY_MODEL_CACHE ?? join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), '.cache', 'converted-models');
}

export async function ggmlModelFor(model: string, precision: Precision, say: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<ModelSource> {
  if (!isModelFolder(model)) return { ggml: model };
  // opening checks config, headers, shapes and vocabulary first: a bad folder is refused before any hashing
  const folder = openHfWhisperFolder(model);
  const sha256 = await folderSha256(folder.files);
  const dir = modelCacheDir();
  const ggml = join(dir, `${sha256.slice(0, 32)}-v${CONVERTER_VERSION}-${precision}.bin`);
  const hf = { folder: model, sha256, dtypes: folder.dtypes };
  if (existsSync(ggml)) return { ggml, hf: { ...hf, convertedNow: false } };
  mkdirSync(dir, { recursive: true });
  say(`asr-parity: converting the Hugging Face folder ${model} to ggml ${precision} for whisper.cpp, once: ${ggml}`);
  hfFolderToGgml(model, ggml, precision);
  return { ggml, hf: { ...hf, convertedNow: true } };
}
