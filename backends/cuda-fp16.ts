import { PARITY_MODELS } from '../harness/io/default-paths.ts';
import { cudaLibrary, probeCuda } from './whisper-cpp/cuda-probe.ts';
import { whisperCppBackend } from './whisper-cpp/whisper-cpp.ts';

/** whisper.cpp's CUDA backend on an NVIDIA GPU, f16 weights; device memory from ggml (cudaMemGetInfo). */
export default whisperCppBackend({
  name: 'cuda-fp16',
  description: 'whisper.cpp CUDA backend on an NVIDIA GPU, f16 weights',
  device: 'gpu',
  precision: 'fp16',
  modelEnv: 'ASR_PARITY_MODEL_CUDA',
  libraryEnv: 'ASR_PARITY_CUDA_WHISPER_LIB',
  defaultLibrary: cudaLibrary,
  defaultModel: () => PARITY_MODELS.fp16,
  accelerator: { probe: probeCuda, ggmlDevice: 'CUDA' },
});
