import { describe, expect, it } from 'vitest';
import { PARITY_MODELS } from '../../harness/io/default-paths.ts';
import { fragmentOf, type PlannedBackend } from '../../harness/run/plan-backends.ts';
import { inspectModelFile } from './engine/ggml-model-file.ts';
import { weightsPrecision } from './whisper-cpp.ts';

/** Issue 21 item 7: `--model` with an f32 file under cpu-fp16 is labelled by the file's own dtype, not the backend's fp16. */
describe("a backend's precision label comes from the model file it loaded", () => {
  it('reads fp32 from the f32 parity model and fp16 from the f16 one (the generated files, read by the ggml header reader)', () => {
    expect(weightsPrecision(inspectModelFile(PARITY_MODELS.fp32).ftype)).toBe('fp32');
    expect(weightsPrecision(inspectModelFile(PARITY_MODELS.fp16).ftype)).toBe('fp16');
    expect(weightsPrecision(8)).toBe('quantized (ggml ftype 8)');
  });

  it("the report entry takes the loaded model's precision over the backend's declared one", () => {
    // a stand-in plan: fragmentOf reads only these fields of it
    const planned = { entry: { name: 'cpu-fp16' }, backend: { name: 'cpu-fp16', device: 'cpu', precision: 'fp16' }, options: {}, role: 'device', required: true, availability: { ok: true } } as unknown as PlannedBackend;
    expect(fragmentOf(planned).precision).toBe('fp16');
    expect(fragmentOf(planned, { environment: { precision: weightsPrecision(inspectModelFile(PARITY_MODELS.fp32).ftype) } }).precision).toBe('fp32');
  });
});
