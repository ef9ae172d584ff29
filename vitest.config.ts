import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'fixtures/**/*.test.ts', 'backends/**/*.test.ts', 'suites/**/*.test.ts'],
    // Native code (whisper.cpp through koffi) runs in the test process: forks keep a crash in one file from taking the run down.
    pool: 'forks',
    globalSetup: ['suites/setup/fixtures.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
