#!/usr/bin/env node
// Builds the SIMD whisper.cpp engine (backends/whisper-cpp/engine/engine-build/). Run by `npm install` as the
// postinstall script, by `npm test` before the tests (a no-op when the build is cached), and by
// hand as `npm run build-engine [-- --force]`. Never fails: without a compiler, a suitable CPU
// or the sources, it prints one line saying why and the CPU backends use the prebuilt library.
try {
  const { register } = await import('tsx/esm/api');
  register();
  const { buildEngine } = await import('../backends/whisper-cpp/engine/engine-build/build-engine.ts');
  const quiet = process.argv.includes('--quiet');
  const tty = process.stderr.isTTY;
  const outcome = await buildEngine({
    force: process.argv.includes('--force'),
    log: (line) => process.stderr.write(`${line}\n`),
    progress: tty ? (done, total, file) => process.stderr.write(`\r\x1b[K  [${done}/${total}] ${file}`) : undefined,
  });
  if (tty) process.stderr.write('\r\x1b[K');
  // a reused build is silent under --quiet (npm test); anything else is worth one line
  if (!(quiet && outcome.reused)) process.stderr.write(`${outcome.notice}\n`);
} catch (e) {
  process.stderr.write(`asr-parity: using the prebuilt whisper.cpp library (no SIMD): the engine build could not start: ${e?.message ?? e}\n`);
}
