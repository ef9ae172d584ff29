import { PARITY_MODELS } from '../harness/io/default-paths.ts';
import { whisperCppBackend } from './whisper-cpp/whisper-cpp.ts';

/** The baseline: whisper.cpp on the CPU with an f32 model (the generated parity model unless ASR_PARITY_MODEL_FP32 names one). */
export default whisperCppBackend({
  name: 'cpu-fp32',
  description: 'whisper.cpp on the CPU, f32 weights (the baseline)',
  device: 'cpu',
  precision: 'fp32',
  modelEnv: 'ASR_PARITY_MODEL_FP32',
  defaultModel: () => PARITY_MODELS.fp32,
});
