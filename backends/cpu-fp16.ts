import { PARITY_MODELS } from '../harness/io/default-paths.ts';
import { whisperCppBackend } from './whisper-cpp/whisper-cpp.ts';

/** whisper.cpp on the CPU with the f16 twin of the baseline's checkpoint: fp16-vs-fp32 parity on any machine. */
export default whisperCppBackend({
  name: 'cpu-fp16',
  description: 'whisper.cpp on the CPU, f16 weights',
  device: 'cpu',
  precision: 'fp16',
  modelEnv: 'ASR_PARITY_MODEL_FP16',
  defaultModel: () => PARITY_MODELS.fp16,
});
