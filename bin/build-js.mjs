#!/usr/bin/env node
// Compiles every TypeScript module the CLI and the backend processes can load into dist/
// (bin/ts/compile.mjs), so no start compiles TypeScript, then bundles the CLI and the backend
// worker (bin/ts/bundle.mjs), so the common starts load no module hooks either. Run by
// `npm install` (postinstall) and `npm test` (pretest); a module edited later is recompiled on
// its first import and the bundle is set aside until the next build, so a skipped or failed
// build costs start-up time, never correctness. Tests are left out: vitest compiles its own.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle } from './ts/bundle.mjs';
import { ROOT, compiledModule } from './ts/compile.mjs';
import { buildVendored } from './ts/vendor.mjs';

const DIRS = ['backends', 'harness', 'fixtures'];
const started = performance.now();
try {
  const files = DIRS.flatMap((d) => readdirSync(join(ROOT, d), { recursive: true }).map((f) => join(ROOT, d, String(f))))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts') && !f.includes('/generated/'));
  const results = await Promise.all(files.map((f) => compiledModule(f)));
  const fresh = results.filter((r) => r.fresh).length;
  if (!process.argv.includes('--quiet') || fresh > 0) process.stderr.write(`asr-parity: JavaScript build in dist/: ${fresh} of ${files.length} modules compiled (${Math.round(performance.now() - started)} ms)\n`);
} catch (e) {
  // never fails an install: without the build, each module is compiled on its first import
  process.stderr.write(`asr-parity: the JavaScript build did not complete (${e?.message ?? e}); modules compile on first use instead\n`);
}

try {
  await buildVendored();
} catch (e) {
  // never fails an install: without it, the module hooks load the package from node_modules
  process.stderr.write(`asr-parity: the one-file package builds were not made (${e?.message ?? e}); the module hooks load them from node_modules instead\n`);
}

const bundleStarted = performance.now();
try {
  const b = await buildBundle();
  if (!process.argv.includes('--quiet')) process.stderr.write(`asr-parity: bundle in ${b.dir}: ${b.entries} entries from ${b.inputs} files (${Math.round(performance.now() - bundleStarted)} ms)\n`);
} catch (e) {
  // never fails an install: without the bundle, every start takes the module hooks (slower)
  process.stderr.write(`asr-parity: the bundle was not built (${e?.message ?? e}); the CLI starts through the module hooks instead\n`);
}
