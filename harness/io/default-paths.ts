import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the generated test model and fixtures live: fixtures/generate.ts writes them there, and
 * the backends and the config default to them. Only the paths: production code never imports
 * fixtures/ (its generator loads eSpeak-NG and the model builder, which no command should pay
 * for unless it generates); fixtures/ imports these.
 */
export const FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/generated');
export const MANIFEST = join(FIXTURE_DIR, 'manifest.jsonl');
export const MODEL_DIR = join(FIXTURE_DIR, 'models');

export const PARITY_MODELS = {
  fp32: join(MODEL_DIR, 'parity-seed1-f32.bin'),
  fp16: join(MODEL_DIR, 'parity-seed1-f16.bin'),
  otherSeedFp32: join(MODEL_DIR, 'parity-seed2-f32.bin'),
  /** The seed-1 model again as a Hugging Face Whisper folder (F32 safetensors), converted from the f32 file. */
  hfSeed1: join(MODEL_DIR, 'parity-seed1-hf'),
};
