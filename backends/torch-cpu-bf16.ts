import { PARITY_MODELS } from '../harness/io/default-paths.ts';
import { torchBackend } from './torch/torch-backend.ts';

/** The PyTorch engine on the CPU, bfloat16 (layer norms and softmax in float32). */
export default torchBackend({
  name: 'torch-cpu-bf16',
  description: 'PyTorch engine on the CPU, bfloat16 (layer norms and softmax in float32)',
  device: 'cpu',
  precision: 'bf16',
  torchDevice: 'cpu',
  dtype: 'bfloat16',
  modelEnv: 'ASR_PARITY_MODEL_FP32',
  // the f32 parity model: the engine casts it to its dtype, as transformers' torch_dtype does
  defaultModel: () => PARITY_MODELS.fp32,
});
