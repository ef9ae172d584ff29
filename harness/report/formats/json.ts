import { defineFormat } from './define-format.ts';

export default defineFormat({
  flag: '--output',
  help: 'write the report JSON (reports/report.schema.json)',
  usesPlots: false,
  render: async (report, path) => [{ path, data: `${JSON.stringify(report, null, 2)}\n` }],
});
