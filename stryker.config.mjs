// Mutation testing of the modules that decide the gate (`npm run mutate`; not part of npm test:
// it takes tens of minutes on 2 cores). Run it when scoring, normalizing, statistics or the
// verdict change; the scores are in the README. One module alone:
//   npm run mutate -- --mutate harness/report/verdict.ts
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutate.json',
  // a mutant that does not type-check is not a test gap: drop it before running the tests
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'harness/score/*.ts',
    '!harness/score/*.test.ts',
    'harness/report/verdict.ts',
    'harness/bench/latency-stats.ts',
  ],
  // 2 cores shared with others: never more than 2 test processes
  concurrency: 2,
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'results/mutation/index.html' },
  jsonReporter: { fileName: 'results/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  // the sandbox is a copy of the tree: the full-size models (7 GiB, fixtures --shape) filled the
  // disk; no mutated module's tests read them
  ignorePatterns: ['fixtures/generated/models/shaped'],
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 75, break: null },
};
