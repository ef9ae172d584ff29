import type { KnownViolation, Layer } from './helpers/layer-check.ts';

/**
 * The layers of asr-parity, top first, and which folder belongs to which: the one place this is
 * written down (ARCHITECTURE.md explains it; suites/architecture.test.ts enforces it). An import
 * may point down or stay in its layer, never up; folders of one layer may not import each other
 * in a circle. A folder nested in a listed one belongs to it unless listed itself.
 */
export const LAYERS: readonly Layer[] = [
  // entry points: the CLI, and the in-tree worker process (started by file path, harness/isolate/worker-exec.ts),
  // which hosts a backend and runs the performance measurement beside it, so may import bench/
  { name: 'cli', units: ['bin', 'harness/cli', 'harness/isolate/backend-worker.ts'] },
  { name: 'run', units: ['harness/run', 'harness/fuzz'] },
  { name: 'report', units: ['harness/report'] },
  { name: 'score & bench', units: ['harness/score', 'harness/bench'] },
  // the registry that finds backends, resolving and loading one (harness/load), the process that hosts one, and the config that names them
  { name: 'backend loading & config', units: ['harness/config', 'harness/load', 'harness/isolate', 'backends/index.ts'] },
  // a backend family owns its engine: backends/whisper-cpp/ holds the binding, probes and memory sampler
  { name: 'backends', units: ['backends'] },
  // harness/audio/corpus (one reader per corpus format) belongs to harness/audio: manifest.ts reads through it, it uses case.ts
  // harness/checkpoint: model files as a user holds them (Hugging Face Whisper folders, safetensors, whisper.cpp's
  // ggml layout) and converting between them; read by the whisper.cpp backends, the CLI's `convert` and the fixtures
  { name: 'audio, io, errors', units: ['harness/audio', 'harness/io', 'harness/checkpoint', 'harness/errors.ts'] },
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
];
