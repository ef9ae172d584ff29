#!/usr/bin/env node
// At `npm install` in a checkout: the test audio and the generated test models, ggml and one as a Hugging Face folder (about 130 MB,
// a quarter of a minute on 2 cores), so the first `asr-parity transcribe` and `npm test` find
// them made. Not when asr-parity is installed as another project's dependency (INIT_CWD is then
// that project), and never a failed install: whatever is missing is made on first use instead.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.env.INIT_CWD && resolve(process.env.INIT_CWD) !== resolve(root)) process.exit(0);
try {
  execFileSync(process.execPath, [join(root, 'bin/asr-parity.mjs'), 'fixtures'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
} catch {
  process.stderr.write('asr-parity: the fixtures and test model were not made at install; the first command that needs them, or npm test, makes them\n');
}
