import { defineConfig } from 'vitest/config';
import HeavyFirstSequencer from './suites/setup/heavy-first-sequencer.ts';

/**
 * Checks that take minutes and add a second opinion rather than a gate check: they run in
 * `npm run test:extended` (the `extended` project), which CI runs after `npm test`, so that
 * `npm test` stays the gate a porting engineer runs on every change. Each says why in its file.
 */
const EXTENDED_ONLY = [
  // the PyTorch engine against whisper.cpp on the fixtures (a second numerical stack)
  'suites/cross-engine.test.ts',
  // the torch backends by name through the CLI, on a transformers folder (Python and torch per run)
  'suites/torch-backends.test.ts',
  // the SIMD build against the prebuilt, token for token (run when the engine build changes)
  'suites/engine-parity.test.ts',
  // load/free and transcription soaks (RSS and file descriptors over many cycles)
  'suites/resources.test.ts',
  // two hours of audio through the decoder, resampler and inference
  'suites/long-audio.test.ts',
  // every audio format written by ffmpeg and sox, decoded and transcribed as its WAV source
  'suites/audio-formats.test.ts',
  // the HTML checker's teeth: broken copies of a page must each be caught (npm test's reporter
  // still opens the gate's own report in chromium and fails the run on any problem)
  'suites/report-html.test.ts',
  // the Markdown and the HTML of one run with every section (performance and regressions included)
  // compared cell by cell; npm test compares them on the reports of the runs it already makes
  'suites/report-contents.test.ts',
  // init, then eval-accuracy on all 43 fixtures with the starter config (a newcomer's first two commands)
  'suites/init-then-gate.test.ts',
  // real eval-perf runs beside a CPU hog, compared for regressions (issue 21 item 3): minutes on a loaded machine
  'suites/regression-judgement.test.ts',
  // real human speech (pocketsphinx-testdata) scored against its transcripts by PocketSphinx, pruned and not
  'suites/real-speech.test.ts',
  // every corpus format through compare, end to end (the case lists of every format are compared
  // with the JSON Lines manifest in npm test, harness/audio/corpus/corpus-formats.test.ts)
  'suites/corpus-formats.test.ts',
  // per-layer localization: torch workers with a fault injected in one module, each against the clean engine and a bfloat16 noise floor
  'suites/localization.test.ts',
  // the failure shapes of Whisper ports, each caught on a torch stand-in built to show it
  'suites/failure-shapes.test.ts',
  // invariance: 95 s of audio decoded sequentially and in chunks by three torch workers
  'suites/invariance.test.ts',
  // one baseline cache folder written by several processes at once (shards sharing it): four process starts
  'suites/shared-cache.test.ts',
  // a one-node Slurm cluster runs the gate as a 4-task array; the merged shards against the unsharded run
  'suites/shards-slurm.test.ts',
  // the parity model at other shapes: a 256-wide, 4-layer model written, loaded and transcribed,
  // and distil-large-v3's layout checked by arithmetic (the fixture generator, not the gate)
  'fixtures/shaped-model.test.ts',
  // the engine's encoder reuse for teacher forcing against a fresh encoding, bit for bit on 17
  // fixtures (an optimisation's second opinion: 51 whisper.cpp calls)
  'backends/whisper-cpp/engine/whisper-model.test.ts',
  // the under-load check's teeth (a backend with a fast path for repeated audio): two gate runs
  // with a backend of the test's own; npm test's performance suite runs the check on every backend
  'harness/run/under-load.test.ts',
  // the differential fuzzer finding and shrinking a disagreement, and a seeded hunt on each device
  // backend (the long hunts are `asr-parity fuzz`)
  'suites/fuzz.test.ts',
];

/** Compares two runs' timings: runs by itself, after the rest of the extended project. */
const ALONE_EXTENDED = 'suites/regression-judgement.test.ts';

export default defineConfig({
  test: {
    // Native code (whisper.cpp through koffi) runs in the test process: forks keep a crash in one file from taking the run down.
    pool: 'forks',
    // both cores: whisper.cpp calls use 2 threads, but CLI start-ups, decoding and scoring are single-threaded
    maxWorkers: 2,
    globalSetup: ['suites/setup/fixtures.ts'],
    sequence: { sequencer: HeavyFirstSequencer },
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // no suite depends on an earlier run's baseline cache; harness/run/baseline-cache.test.ts gives its own folders
    env: { ASR_PARITY_BASELINE_CACHE: 'off' },
    reporters: ['default', ['junit', { outputFile: process.env.ASR_PARITY_JUNIT ?? 'results/junit.xml', suiteName: 'asr-parity' }], './suites/setup/report-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'checks',
          // whisper.cpp's OpenMP threads spin while they wait (a quarter of a transcription's CPU,
          // measured with perf): on 2 cores shared by two test files that spinning starves the
          // other file. Passive waiting changes no result; the performance group keeps the default.
          env: { ASR_PARITY_BASELINE_CACHE: 'off', OMP_WAIT_POLICY: 'passive' },
          include: ['harness/**/*.test.ts', 'fixtures/**/*.test.ts', 'backends/**/*.test.ts', 'suites/**/*.test.ts'],
          exclude: ['suites/performance.test.ts', ...EXTENDED_ONLY, '**/node_modules/**'],
        },
      },
      {
        extends: true,
        // `npm run test:extended`: the long hunts and second opinions (CI runs them after npm test)
        test: {
          name: 'extended',
          env: { ASR_PARITY_BASELINE_CACHE: 'off', OMP_WAIT_POLICY: 'passive', ASR_PARITY_CONFORMANCE: 'external' },
          include: [...EXTENDED_ONLY, 'suites/conformance.test.ts'],
          exclude: [ALONE_EXTENDED, '**/node_modules/**'],
        },
      },
      {
        extends: true,
        // after the other extended files, alone: two runs compared for a regression must not see
        // another test file's load come and go between them (its own CPU hog is the load it means)
        test: { name: 'extended-alone', env: { ASR_PARITY_BASELINE_CACHE: 'off' }, include: [ALONE_EXTENDED], sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        // a later group: timings are taken with no other test file competing for the cores
        test: { name: 'performance', include: ['suites/performance.test.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
