import type { KnownViolation, Layer } from './helpers/layer-check.ts';

/**
 * The layers of asr-parity, top first, and which folder belongs to which: the one place this is
 * written down (ARCHITECTURE.md explains it; suites/architecture.test.ts enforces it). An import
 * may point down or stay in its layer, never up; folders of one layer may not import each other
 * in a circle. A folder nested in a listed one belongs to it unless listed itself.
 */
export const LAYERS: readonly Layer[] = [
  { name: 'cli', units: ['bin', 'harness/cli'] },
  { name: 'run', units: ['harness/run', 'harness/fuzz'] },
  { name: 'report', units: ['harness/report'] },
  { name: 'score & bench', units: ['harness/score', 'harness/bench'] },
  // the registry that finds and loads backends, the process that hosts one, and the config that names them
  { name: 'backend loading & config', units: ['harness/config', 'harness/isolate', 'backends/index.ts'] },
  // a backend family owns its engine: harness/engine is the whisper.cpp family's binding
  { name: 'backends', units: ['backends', 'harness/engine'] },
  { name: 'audio, io, errors', units: ['harness/audio', 'harness/io', 'harness/errors.ts'] },
];

/** Production code: every source file here must belong to a layer. */
export const PRODUCTION = ['bin', 'harness', 'backends'];

/** Test code: may import anything, and production may not import it. */
export const TEST_SIDE = ['fixtures', 'suites'];

/**
 * The violations the tree has today (issue 13), each kept on purpose with why it exists and what
 * removes it. This list only shrinks: a new violation fails the test, and so does an entry that
 * no longer matches anything (delete it when its violation is fixed).
 */
export const KNOWN_VIOLATIONS: readonly KnownViolation[] = [
  {
    from: 'harness/cli/fixture-generation.ts',
    to: 'fixtures/generate.ts',
    rule: 'imports-test-code',
    reason: 'the `fixtures` command (and first use of the shipped config) generates the test data: the one door from production to the generator, a dynamic import only (the last test of suites/architecture.test.ts pins it)',
  },
  {
    from: 'harness/bench/measure-performance.ts',
    to: 'harness/run/transcribe-cases.ts',
    rule: 'points-up',
    reason: 'loadBackend() (availability check, then in-process or isolated load) lives in run/; it belongs to backend loading, which issue 13 item 3 rewrites (resolve once); closes the cycle bench -> run -> bench',
  },
  {
    from: 'harness/isolate/backend-worker.ts',
    to: 'harness/bench/measure-performance.ts',
    rule: 'points-up',
    reason: 'the isolated process runs the performance measurement beside the backend it hosts; needs the worker to be handed the measuring code (worker protocol) instead of importing bench/; closes the cycle bench -> isolate -> bench',
  },
  {
    from: 'backends/shared/whisper-cpp.ts',
    to: 'harness/bench/device-memory-sampler.ts',
    rule: 'points-up',
    reason: 'only the whisper.cpp family samples device memory: the sampler moves into that family\'s folder (issue 13 item 2, a file move)',
  },
];
