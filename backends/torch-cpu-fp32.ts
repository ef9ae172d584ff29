import { PARITY_MODELS } from '../harness/io/default-paths.ts';
import { torchBackend } from './torch/torch-backend.ts';

/** The PyTorch engine (workers/torch) on the CPU, float32 (can be the baseline). */
export default torchBackend({
  name: 'torch-cpu-fp32',
  description: 'PyTorch engine (workers/torch) on the CPU, float32 (can be the baseline)',
  device: 'cpu',
  precision: 'fp32',
  torchDevice: 'cpu',
  dtype: 'float32',
  modelEnv: 'ASR_PARITY_MODEL_FP32',
  // the f32 parity model: the engine casts it to its dtype, as transformers' torch_dtype does
  defaultModel: () => PARITY_MODELS.fp32,
});
