import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends } from '../backends/index.ts';
import { schemaProblem, validate, type Message, type Op } from '../backends/worker/protocol.ts';
import { expectUnittestPasses } from './helpers/python-unittest.ts';
import { skipped } from './helpers/visible-skip.ts';

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
  if (!python) skipped("workers/common's unit tests", `${PYTHON} lacks numpy (Debian python3-numpy)`);
  else {
    it(`workers/common's unit tests pass (${PYTHON} -m unittest)`, () => expectUnittestPasses(join(ROOT, 'workers/common')));
    it("workers/common's own answers (hello, forced logits, dispose, every kind of error) match the protocol schema the harness validates with", () => {
      const lines = execFileSync(PYTHON, [join(ROOT, 'suites/helpers/common-protocol-answers.py')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n');
      const ops = ['hello', 'load', 'transcribe', 'forcedLogits', 'forcedLogits', 'memory', 'no-such-op', 'dispose'];
      expect(lines).toHaveLength(ops.length);
      const answers = lines.map((l) => JSON.parse(l) as Message);
      for (const [i, m] of answers.entries()) {
        expect(validate.message(m), `${ops[i]}: ${lines[i]}: ${schemaProblem(validate.message)}`).toBe(true);
        const op = ops[i] as Op;
        if ('ok' in m && m.ok) expect(validate.value[op](m.value), `${op}: ${schemaProblem(validate.value[op])}`).toBe(true);
      }
      // the answers are the kinds asked for: a value where one is due, a typed error elsewhere
      expect(answers.map((m) => ('ok' in m ? (m.ok ? 'value' : m.error.code) : 'progress'))).toEqual(['value', 'MODEL', 'INFERENCE', 'value', 'USAGE', 'INFERENCE', 'USAGE', 'value']);
    });
  }

  if (!torch) skipped('the transformers worker', `${PYTHON} lacks torch`);
  else if (has('transformers')) skipped('the transformers worker refusing without transformers', 'transformers is installed here');
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
