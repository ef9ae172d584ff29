import { parseHTML } from 'linkedom';
import { marked } from 'marked';

/**
 * What a reader finds in a report, format aside: the text of every heading, table header and
 * table cell, and of every paragraph, list item and <details> summary. The Markdown is parsed by
 * marked (GFM tables, escapes and emphasis as a Markdown viewer reads them), the HTML by linkedom;
 * code blocks are left out (the Markdown's REF/HYP lines; the HTML shows the same words in cells).
 */
export interface ReportContents {
  /** Headings, table headers and cells, whitespace collapsed, empty ones left out. */
  cells: string[];
  /** Paragraphs, list items and summaries. */
  prose: string[];
  /** All the page's text, whitespace collapsed. */
  text: string;
}

// a backtick in a message is Markdown's code mark (a viewer shows the word without it), text in the HTML
const collapse = (s: string | null | undefined) => (s ?? '').replace(/`/g, '').replace(/\s+/g, ' ').trim();

export function htmlContents(html: string): ReportContents {
  const { document } = parseHTML(html);
  for (const pre of Array.from(document.querySelectorAll('pre'))) pre.remove();
  const texts = (selector: string) => Array.from(document.querySelectorAll(selector)).map((e) => collapse(e.textContent)).filter(Boolean);
  return { cells: texts('h1, h2, h3, h4, h5, h6, th, td'), prose: texts('p, li, summary'), text: collapse(document.querySelector('body')?.textContent ?? document.textContent) };
}

export function markdownContents(md: string): ReportContents {
  return htmlContents(`<!doctype html><html><body>${marked.parse(md, { async: false, gfm: true })}</body></html>`);
}

/**
 * What the Markdown shows that the HTML does not, one line each: a heading, header or cell the
 * HTML has fewer of (so a dropped row or section counts, not only a value never seen), or a
 * paragraph, list item or summary not in the HTML's text. Empty when the HTML holds it all.
 */
export function missingFromHtml(md: string, html: string): string[] {
  const m = markdownContents(md);
  const h = htmlContents(html);
  const count = (xs: string[]) => xs.reduce((n, x) => n.set(x, (n.get(x) ?? 0) + 1), new Map<string, number>());
  const have = count(h.cells);
  const out: string[] = [];
  for (const [cell, n] of count(m.cells)) if ((have.get(cell) ?? 0) < n) out.push(`cell ${JSON.stringify(cell)}: ${n} in the Markdown, ${have.get(cell) ?? 0} in the HTML`);
  for (const p of new Set(m.prose)) if (!h.text.includes(p)) out.push(`text ${JSON.stringify(p.length > 160 ? `${p.slice(0, 160)}...` : p)} is not in the HTML`);
  return out;
}
