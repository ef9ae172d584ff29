import { readGgmlTensor, walkGgmlFile, writeGgmlFile, type Precision, type Tensor, type WhisperHparams } from './ggml-file.ts';
import { isModelFolder, openHfWhisperFolder, type HfWhisperFolder } from './hf-whisper-folder.ts';
import { dimsOf, HfWhisperWriter } from './hf-whisper-writer.ts';
import { melFilterbank } from './mel-filters.ts';
import { ggmlDims, whisperLayout } from './whisper-layout.ts';
import { ModelError } from '../errors.ts';

/**
 * `asr-parity convert`: a Hugging Face Whisper folder to whisper.cpp's ggml file as
 * whisper.cpp's models/convert-h5-to-ggml.py writes it, and a ggml f32/f16 file back to a folder.
 * One tensor in memory at a time; `progress` gets "convert i/n name" per tensor.
 */
export type Progress = (message: string) => void;

export function hparamsOf(f: HfWhisperFolder): WhisperHparams {
  const d = f.dims;
  return {
    nVocab: d.vocabSize,
    nAudioCtx: d.maxSourcePositions,
    nAudioState: d.dModel,
    nAudioHead: d.encoderHeads,
    nAudioLayer: d.encoderLayers,
    // the script writes config.json's max_length here (defaulting to max_target_positions); the
    // decoder's positional embedding has max_target_positions rows, and whisper.cpp sizes it from
    // this field, so a config whose max_length differs would make a file whisper.cpp refuses
    nTextCtx: d.maxTargetPositions,
    nTextState: d.dModel,
    nTextHead: d.decoderHeads,
    nTextLayer: d.decoderLayers,
    nMels: d.numMelBins,
  };
}

export function hfFolderToGgml(dir: string, output: string, precision: Precision, progress: Progress = () => {}): { folder: HfWhisperFolder; tensors: number } {
  const folder = openHfWhisperFolder(dir);
  const d = folder.dims;
  // whisper.cpp's ggml layout has no field for the MLP width: it is 4 * d_model
  if (d.encoderFfn !== 4 * d.dModel || d.decoderFfn !== 4 * d.dModel) throw new ModelError(`${dir}/config.json`, `encoder_ffn_dim ${d.encoderFfn} / decoder_ffn_dim ${d.decoderFfn}: whisper.cpp's layout needs 4 * d_model = ${4 * d.dModel}`, 'this checkpoint cannot run on whisper.cpp');
  const layout = whisperLayout(d);
  const n = layout.length;
  function* tensors(): Generator<Tensor> {
    for (const [i, t] of layout.entries()) {
      progress(`convert ${i + 1}/${n} ${t.ggml}`);
      yield { name: t.ggml, dims: ggmlDims(t), data: folder.read(t.hf) };
    }
  }
  writeGgmlFile(
    output,
    {
      hparams: hparamsOf(folder),
      precision,
      melFilters: { nMel: folder.audio.nMels, nFft: folder.audio.nFft / 2 + 1, data: melFilterbank(folder.audio.sampleRate, folder.audio.nFft, folder.audio.nMels) },
      vocab: folder.vocab,
    },
    tensors(),
  );
  return { folder, tensors: n };
}

export function ggmlToHfFolder(path: string, outDir: string, progress: Progress = () => {}): { tensors: number } {
  const index = walkGgmlFile(path, { vocab: true });
  const h = index.hparams;
  const byName = new Map(index.tensors.map((t) => [t.name, t]));
  const writer = new HfWhisperWriter(outDir, h, index.vocab!);
  const layout = whisperLayout(dimsOf(h));
  for (const [i, t] of layout.entries()) {
    const e = byName.get(t.ggml);
    if (!e) throw new ModelError(path, `tensor ${t.ggml} is missing`, 'the file is not a complete whisper.cpp model');
    const want = ggmlDims(t);
    if (e.dims.join(',') !== want.join(',')) throw new ModelError(path, `tensor ${t.ggml} has dims [${e.dims.join(', ')}], its hparams need [${want.join(', ')}]`, 'the file is corrupt');
    progress(`convert ${i + 1}/${layout.length} ${t.hf}`);
    writer.write(t.hf, readGgmlTensor(index, e));
  }
  writer.close();
  return { tensors: layout.length };
}

/** The direction follows the input: a folder becomes a ggml file, a ggml file becomes a folder. */
export function convertModel(o: { model: string; output: string; dtype?: Precision; progress?: Progress }): { direction: 'hf-to-ggml' | 'ggml-to-hf'; tensors: number } {
  if (isModelFolder(o.model)) return { direction: 'hf-to-ggml', tensors: hfFolderToGgml(o.model, o.output, o.dtype ?? 'f16', o.progress).tensors };
  return { direction: 'ggml-to-hf', tensors: ggmlToHfFolder(o.model, o.output, o.progress).tensors };
}
