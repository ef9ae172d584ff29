import { PARITY_MODELS } from '../harness/io/default-paths.ts';
import { torchBackend } from './torch/torch-backend.ts';

/** The PyTorch engine on an NVIDIA GPU (cuda:N), float16. */
export default torchBackend({
  name: 'torch-cuda-fp16',
  description: 'PyTorch engine on an NVIDIA GPU (cuda:N), float16',
  device: 'gpu',
  precision: 'fp16',
  torchDevice: 'cuda',
  dtype: 'float16',
  modelEnv: 'ASR_PARITY_MODEL_FP32',
  // the f32 parity model: the engine casts it to its dtype, as transformers' torch_dtype does
  defaultModel: () => PARITY_MODELS.fp32,
});
