import { defineFormat } from './define-format.ts';

export default defineFormat({
  flag: '--csv',
  help: 'also write the per-case results as CSV (WER, CER, transcripts, first divergence)',
  usesPlots: false,
  accuracyOnly: true,
  render: async (report, path) => [{ path, data: (await import('../render-csv.ts')).renderCsv(report) }],
});
