import { PARITY_MODELS } from '../harness/io/default-paths.ts';
import { torchBackend } from './torch/torch-backend.ts';

/** The PyTorch engine on an Ascend NPU through torch_npu (npu:N), float16: the reference report setup. */
export default torchBackend({
  name: 'torch-npu-fp16',
  description: 'PyTorch engine on an Ascend NPU through torch_npu (npu:N), float16: the reference report setup',
  device: 'npu',
  precision: 'fp16',
  torchDevice: 'npu',
  dtype: 'float16',
  modelEnv: 'ASR_PARITY_MODEL_FP32',
  // the f32 parity model: the engine casts it to its dtype, as transformers' torch_dtype does
  defaultModel: () => PARITY_MODELS.fp32,
});
