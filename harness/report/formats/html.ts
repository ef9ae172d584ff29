import { defineFormat } from './define-format.ts';

export default defineFormat({
  flag: '--html',
  help: 'the self-contained HTML report with plots (default: beside --markdown)',
  usesPlots: true,
  render: async (report, path, plots) => [{ path, data: (await import('../render-html.ts')).renderHtml(report, [...plots]) }],
});
