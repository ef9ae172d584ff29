import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends } from '../backends/index.ts';
import { expectUnittestPasses } from './helpers/python-unittest.ts';

/**
 * The protocol code both Python workers share (workers/common: request loop, typed errors,
 * audio), by its own unit tests, and the shipped transformers worker as far as it runs here: it
 * speaks the protocol and refuses to load without transformers, saying so. The PyTorch engine's
 * own unit tests (readers, export_hf, a transcription) take seconds of torch: they run in
 * suites/torch-backends.test.ts (`npm run test:extended`).
 */
const ROOT = resolve(import.meta.dirname, '..');
const PYTHON = '/usr/bin/python3';
const has = (module: string) => {
  try {
    execFileSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const python = existsSync(PYTHON) && has('numpy');
const torch = python && has('torch');

describe('the Python workers', () => {
  if (!python) it.skip(`workers/common's unit tests: skipped, ${PYTHON} lacks numpy (Debian python3-numpy)`, () => {});
  else it(`workers/common's unit tests pass (${PYTHON} -m unittest)`, () => expectUnittestPasses(join(ROOT, 'workers/common')));

  if (!torch) it.skip(`the transformers worker: skipped, ${PYTHON} lacks torch`, () => {});
  else if (has('transformers')) it.skip('the transformers worker refusing without transformers: skipped, transformers is installed here', () => {});
  else {
    it('the transformers worker speaks the protocol and refuses to load without transformers, with the reason', async () => {
      const err = await backends.worker!.load({ model: 'distil-whisper/distil-large-v3', worker: { command: [PYTHON, join(ROOT, 'workers/transformers/worker.py')], cwd: ROOT, device: 'cpu', dtype: 'float32' } }).then(
        (b) => (b.dispose(), undefined),
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'BACKEND_UNAVAILABLE', input: 'transformers' });
      expect(String(err)).toMatch(/transformers is not installed/);
    });
  }
});
