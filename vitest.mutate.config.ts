import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant (`npm run mutate`, see stryker.config.mjs): only the
 * fast, in-process unit tests of the scoring, normalizing, statistics and verdict modules. No
 * global setup (these tests need no generated fixtures or model) and none of the CLI end-to-end
 * suites, which would cost minutes per mutant.
 */
export default defineConfig({
  test: {
    include: [
      'harness/score/**/*.test.ts',
      'harness/report/verdict.test.ts',
      'harness/report/assemble-report.test.ts',
      'harness/bench/latency-stats.test.ts',
      // the rest of the verdict path measured by `npm run mutate:table` (mutation-table.json)
      'harness/report/comparability.test.ts',
      'harness/run/accuracy-pairing.test.ts',
      'harness/run/baseline-cache-key.test.ts',
      'backends/worker/worker-process.test.ts',
      'harness/bench/measure-performance.test.ts',
    ],
    testTimeout: 120_000,
  },
});
