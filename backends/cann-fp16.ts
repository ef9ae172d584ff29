import { cannBackend } from './whisper-cpp/cann.ts';

/**
 * Ascend NPU through CANN: libwhisper built with -DGGML_CANN=1 (ASR_PARITY_CANN_WHISPER_LIB),
 * AscendCL probed through koffi (ASR_PARITY_ACL_LIB or the toolkit's lib64), an f16 or Q8_0
 * model (ASR_PARITY_MODEL_CANN). Never run on real hardware by this project: see the README.
 */
export default cannBackend({ name: 'cann-fp16', description: 'whisper.cpp CANN backend on an Ascend NPU, f16 weights', requireCannDevice: true });
