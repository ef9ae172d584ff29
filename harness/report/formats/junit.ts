import { defineFormat } from './define-format.ts';

export default defineFormat({
  flag: '--junit',
  help: 'also write JUnit XML (one test case per accuracy case, the verdict as one more) for CI',
  usesPlots: false,
  render: async (report, path) => [{ path, data: (await import('../render-junit.ts')).renderJunit(report) }],
});
