import { basename, dirname, extname, join } from 'node:path';
import { defineFormat } from './define-format.ts';

/** The folder of SVG plots beside a Markdown report, which it links by relative path. */
export const plotsFolder = (markdown: string) => `${basename(markdown, extname(markdown))}-plots`;

export default defineFormat({
  flag: '--markdown',
  help: 'also render the Markdown report (its plots go to <name>-plots/ beside it, the HTML report to <name>.html)',
  usesPlots: true,
  async render(report, path, plots) {
    const folder = plotsFolder(path);
    const [{ renderMarkdown }, { PLOT_IDS }] = await Promise.all([import('../render-markdown.ts'), import('../plots.ts')]);
    const svg = (id: string) => join(dirname(path), folder, `${id}.svg`);
    const stale = PLOT_IDS.filter((id) => !plots.some((p) => p.id === id)).map((id) => ({ path: svg(id), data: null }));
    return [...stale, ...plots.map((p) => ({ path: svg(p.id), data: `${p.svg}\n` })), { path, data: renderMarkdown(report, plots.map((p) => ({ title: p.title, caption: p.caption, href: `${folder}/${p.id}.svg` }))) }];
  },
});
