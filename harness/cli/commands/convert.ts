import { convertModel } from '../../checkpoint/convert-whisper.ts';
import { print, progress, progressDone } from '../terminal.ts';

/** `asr-parity convert`: a Hugging Face Whisper folder to a ggml file or back; the direction follows --model. */
export async function run(o: { model: string; output: string; dtype: 'f32' | 'f16' }): Promise<void> {
  const r = convertModel({ model: o.model, output: o.output, dtype: o.dtype, progress });
  progressDone();
  print(r.direction === 'hf-to-ggml' ? `wrote ${o.output}: ggml ${o.dtype}, ${r.tensors} tensors, from ${o.model}` : `wrote ${o.output}: Hugging Face Whisper folder (F32 safetensors), ${r.tensors} tensors, from ${o.model}`);
}
