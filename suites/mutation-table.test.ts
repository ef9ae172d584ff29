import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module with JSDoc types, run by node as `npm run mutate:table`
import { END, gitUnavailable, mutateRanges, readData, renderTable, ROOT, START, staleRows } from '../bin/mutation-table.mjs';
import { itUnless } from './helpers/visible-skip.ts';

/**
 * The README's mutation table cannot go stale (issue 24): its rows are mutation-table.json's,
 * every module on the verdict path has a row, and a module changed since the commit its score was
 * measured at fails here unless its row says "not re-measured since". Git only: no Stryker.
 */
type Row = { name: string; file: string; mutate?: string; measured?: { commit: string }; staleSince?: string };
const data = readData() as { rows: Row[] };
const VERDICT_PATH = ['verdict', 'gate', 'token parity', 'paired difference', 'confidence', 'latency statistics', 'performance measurement', 'case pairing', 'baseline cache key', 'comparability', 'report assembly and merging', 'worker process'];

describe('the mutation table', () => {
  it('lists every module on the verdict path, each an existing file with a measurement or a "not re-measured since"', () => {
    expect(data.rows.map((r) => r.name)).toEqual(VERDICT_PATH);
    for (const r of data.rows) {
      expect(existsSync(join(ROOT, r.file)), `${r.file} exists`).toBe(true);
      expect(Boolean(r.measured || r.staleSince), `${r.name}: a row is measured at a commit or says since when it was not re-measured`).toBe(true);
    }
  });

  it('a part of a module is named by its declarations, not by line numbers: each name resolves to its lines as the file stands', async () => {
    for (const r of data.rows.filter((x) => x.mutate?.includes('#'))) {
      const ranges = (await mutateRanges(r.mutate)) as string;
      expect(ranges, `${r.name}: ${r.mutate}`).toMatch(new RegExp(`^(${r.file}:\\d+-\\d+)(,${r.file}:\\d+-\\d+)*$`));
    }
    const dir = mkdtempSync(join(tmpdir(), 'asr-parity-mutate-ranges-'));
    writeFileSync(join(dir, 'm.ts'), '// one\n\n/** doc */\nexport function f(a: number) {\n  return a + 1;\n}\nconst g = 2, h = 3;\n');
    expect(await mutateRanges('m.ts#f,h', dir)).toBe('m.ts:4-6,m.ts:7-7');
    expect(await mutateRanges('m.ts', dir)).toBe('m.ts');
    await expect(mutateRanges('m.ts#gone', dir)).rejects.toThrow('m.ts has no top-level declaration named gone');
  });

  it('the README shows exactly the rows of mutation-table.json (npm run mutate:table -- --render rewrites them)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
    expect(table).toBe(renderTable(data));
  });

  itUnless(gitUnavailable(), 'no measured module changed since the commit it was measured at', () => {
    expect(staleRows(data)).toEqual([]);
  });

  itUnless(gitUnavailable(), 'the check bites: a module committed after its measurement is named, unless its row says "not re-measured since"', () => {
    const repo = mkdtempSync(join(tmpdir(), 'asr-parity-mutation-table-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '-q');
    writeFileSync(join(repo, 'm.ts'), 'export const a = 1;\n');
    git('add', 'm.ts');
    git('commit', '-qm', 'one');
    const measured = git('rev-parse', 'HEAD');
    const rows = { rows: [{ name: 'm', file: 'm.ts', measured: { commit: measured } }] };
    expect(staleRows(rows, repo)).toEqual([]);
    writeFileSync(join(repo, 'm.ts'), 'export const a = 2;\n');
    git('commit', '-qam', 'two');
    expect(staleRows(rows, repo)).toEqual([expect.stringMatching(/^m\.ts changed since [0-9a-f]{7}, where its mutation score was measured/)]);
    expect(staleRows({ rows: [{ ...rows.rows[0]!, staleSince: measured }] }, repo)).toEqual([]);
    expect(staleRows({ rows: [{ name: 'm', file: 'm.ts', measured: { commit: 'f'.repeat(40) } }] }, repo)).toEqual([expect.stringMatching(/which this repository does not have/)]);
    // a row that measures part of a file is stale when that part changes, not when the rest of the file does
    writeFileSync(join(repo, 'm.ts'), 'export function f() {\n  return 1;\n}\nexport const a = 2;\n');
    git('commit', '-qam', 'three');
    const part = { rows: [{ name: 'm', file: 'm.ts', mutate: 'm.ts#f', measured: { commit: git('rev-parse', 'HEAD') } }] };
    writeFileSync(join(repo, 'm.ts'), '// a comment above\nexport function f() {\n  return 1;\n}\nexport const a = 3;\n');
    git('commit', '-qam', 'four');
    expect(staleRows(part, repo), 'lines moved and another declaration changed: f itself did not').toEqual([]);
    writeFileSync(join(repo, 'm.ts'), 'export function f() {\n  return 2;\n}\nexport const a = 3;\n');
    git('commit', '-qam', 'five');
    expect(staleRows(part, repo)).toEqual([expect.stringMatching(/^m\.ts#f changed since [0-9a-f]{7}/)]);
  });
});
