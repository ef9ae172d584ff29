#!/usr/bin/env node
/**
 * The README's mutation table, made by one command (`npm run mutate:table`): Stryker runs over
 * each listed module alone (nice 19, concurrency 1: the machine is shared), and its counts, the
 * commit they were measured at and the kept survivor explanations are written to
 * mutation-table.json, from which the README rows between the mutation-table markers are
 * rewritten. suites/mutation-table.test.ts (in npm test, git only) fails when a module changed
 * since its recorded commit, unless its row says "not re-measured since".
 *
 *   npm run mutate:table                       every module (hours on 2 cores)
 *   npm run mutate:table -- harness/score/gate.ts   one module
 *   npm run mutate:table -- --render           only rewrite the README from mutation-table.json
 *   npm run mutate:table -- --from results/mutation/x.json harness/score/x.ts   take an existing Stryker JSON report
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA = join(ROOT, 'mutation-table.json');
export const START = '<!-- mutation-table:start -->';
export const END = '<!-- mutation-table:end -->';

/** @typedef {{ killed: number, timeout: number, survived: number, noCoverage: number, errors: number }} Counts */
/** @typedef {{ name: string, file: string, mutate?: string, measured?: { commit: string, date: string } & Counts, staleSince?: string, note?: string, survivors?: string }} Row */

/** @returns {{ rows: Row[] }} */
export function readData(path = DATA) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Mutation score as Stryker gives it: detected (killed or timed out) over the mutants that compile. */
export function score(c) {
  const detected = c.killed + c.timeout;
  const valid = detected + c.survived + c.noCoverage;
  return valid ? (100 * detected) / valid : 0;
}

const short = (sha) => sha.slice(0, 7);

/** One README row; a stale row keeps its last figures and says since when they may be out of date. */
export function renderRow(r) {
  const m = r.measured;
  const figures = m ? `${score(m).toFixed(1)}%` : 'not measured';
  const counts = m ? `${m.killed} / ${m.timeout} / ${m.survived} / ${m.noCoverage}` : '';
  const at = m ? `${short(m.commit)} (${m.date})` : '';
  const when = r.staleSince ? `not re-measured since ${short(r.staleSince)}${m ? `; last measured at ${at}` : ''}` : at;
  const notes = [r.note, r.survivors].filter(Boolean).join(' ');
  const where = r.mutate && r.mutate !== r.file ? `\`${r.mutate}\`` : `\`${r.file}\``;
  return `| ${r.name} | ${where} | ${figures} | ${counts} | ${when} | ${notes} |`;
}

export function renderTable(data) {
  return [START, '| module | file | score | killed / timed out / survived / no coverage | measured at | survivors, notes |', '|---|---|---|---|---|---|', ...data.rows.map(renderRow), END].join('\n');
}

/** The README with its table rows replaced. */
export function withTable(readme, data) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('README.md has no mutation-table markers');
  return readme.slice(0, a) + renderTable(data) + readme.slice(b + END.length);
}

/** Counts for one file from a Stryker JSON report (mutation-testing-report-schema). */
export function countsOf(report, file) {
  const f = report.files[file];
  if (!f) throw new Error(`the Stryker report has no results for ${file}`);
  const c = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 };
  for (const m of f.mutants) {
    if (m.status === 'Killed') c.killed++;
    else if (m.status === 'Timeout') c.timeout++;
    else if (m.status === 'Survived') c.survived++;
    else if (m.status === 'NoCoverage') c.noCoverage++;
    else if (m.status === 'CompileError' || m.status === 'RuntimeError') c.errors++;
  }
  return c;
}

/**
 * Why the rows cannot be checked against git here (no git, not a repository, a shallow clone), or
 * undefined when they can.
 */
export function gitUnavailable(cwd = ROOT) {
  const r = spawnSync('git', ['rev-parse', '--is-shallow-repository'], { cwd, encoding: 'utf8' });
  if (r.error) return `git cannot be run (${r.error.message})`;
  if (r.status !== 0) return `not a git repository (${r.stderr.trim()})`;
  if (r.stdout.trim() === 'true') return 'a shallow clone: the commits the rows were measured at may be absent (git fetch --unshallow)';
  return undefined;
}

/** The measured rows whose module changed between the commit they were measured at and HEAD (or whose commit is unknown here). */
export function staleRows(data, cwd = ROOT) {
  const out = [];
  for (const r of data.rows) {
    if (r.staleSince || !r.measured) continue;
    const sha = r.measured.commit;
    if (spawnSync('git', ['cat-file', '-e', `${sha}^{commit}`], { cwd }).status !== 0) out.push(`${r.file}: measured at ${sha}, which this repository does not have`);
    else if (changedSince(r, sha, cwd)) out.push(`${r.mutate ?? r.file} changed since ${short(sha)}, where its mutation score was measured: npm run mutate:table -- ${r.file} (or set its row's staleSince in mutation-table.json, so the README says "not re-measured since")`);
  }
  return out;
}

const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/**
 * Stryker's --mutate for a row: its file, or, for `file#name,name`, the line range of each named
 * top-level declaration (function, class or const) as the file stands now. Names, not line
 * numbers, so a range follows its code when lines above it move.
 */
export async function mutateRanges(spec, root = ROOT) {
  const [file, names] = spec.split('#');
  if (!names) return spec;
  return declarations(file, readFileSync(join(root, file), 'utf8'), names.split(','))
    .map((d) => `${file}:${d.from}-${d.to}`)
    .join(',');
}

/** The named top-level declarations of a TypeScript source: their first and last lines and their text. */
function declarations(file, text, names) {
  const ts = createRequire(import.meta.url)('typescript');
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const line = (pos) => src.getLineAndCharacterOfPosition(pos).line + 1;
  const declared = new Map();
  for (const st of src.statements) {
    const ids = ts.isVariableStatement(st) ? st.declarationList.declarations.map((d) => d.name.getText(src)) : st.name ? [st.name.getText(src)] : [];
    for (const id of ids) declared.set(id, { from: line(st.getStart(src)), to: line(st.getEnd()), text: st.getText(src) });
  }
  return names.map((n) => declared.get(n) ?? (() => { throw new Error(`${file} has no top-level declaration named ${n}`); })());
}

/** Whether what a row measures differs between a commit and HEAD: the whole file, or, for `file#names`, the named declarations' text. */
function changedSince(r, sha, cwd) {
  const [file, names] = (r.mutate ?? r.file).split('#');
  if (!names) return spawnSync('git', ['diff', '--quiet', sha, 'HEAD', '--', file], { cwd }).status !== 0;
  const at = (rev) => {
    const g = spawnSync('git', ['show', `${rev}:${file}`], { cwd, encoding: 'utf8' });
    return g.status === 0 ? g.stdout : undefined;
  };
  const [then, now] = [at(sha), at('HEAD')];
  if (then === undefined || now === undefined) return true;
  const text = (t) => {
    try {
      return declarations(file, t, names.split(',')).map((d) => d.text).join('\n');
    } catch {
      return undefined;
    }
  };
  const a = text(then);
  return a === undefined || a !== text(now);
}

async function measure(file, from, mutate = file) {
  // the figures belong to a commit: the module must be as committed
  if (spawnSync('git', ['diff', '--quiet', 'HEAD', '--', file], { cwd: ROOT }).status !== 0) throw new Error(`${file} has uncommitted changes: commit first, so the figures name the code they measured`);
  const json = from ?? join(ROOT, 'results/mutation/mutation.json');
  if (!from) {
    const r = spawnSync('nice', ['-n', '19', 'npx', 'stryker', 'run', '--mutate', await mutateRanges(mutate), '--concurrency', '1', '--reporters', 'json,clear-text,progress'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`stryker failed on ${file} (exit ${r.status})`);
  }
  return { commit: git('rev-parse', 'HEAD'), date: new Date().toISOString().slice(0, 10), ...countsOf(JSON.parse(readFileSync(json, 'utf8')), file) };
}

async function main(argv) {
  const data = readData();
  const render = argv.includes('--render');
  const fromAt = argv.indexOf('--from');
  const from = fromAt >= 0 ? resolve(argv[fromAt + 1]) : undefined;
  const named = argv.filter((a, i) => !a.startsWith('--') && !(fromAt >= 0 && i === fromAt + 1));
  if (!render) {
    const rows = named.length ? named.map((f) => data.rows.find((r) => r.file === f) ?? (() => { throw new Error(`${f} is not a module of mutation-table.json`); })()) : data.rows;
    if (from && rows.length !== 1) throw new Error('--from takes one module');
    for (const r of rows) {
      process.stderr.write(`mutation table: ${r.file}\n`);
      r.measured = await measure(r.file, from, r.mutate);
      delete r.staleSince;
      writeFileSync(DATA, `${JSON.stringify(data, null, 2)}\n`);
    }
  }
  const readme = join(ROOT, 'README.md');
  writeFileSync(readme, withTable(readFileSync(readme, 'utf8'), data));
  for (const r of data.rows) process.stdout.write(`${renderRow(r)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`mutate:table: ${e.message}\n`);
    process.exit(2);
  });
}
