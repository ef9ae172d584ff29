// Compiles one TypeScript module to JavaScript and keeps the result in dist/, keyed by the
// source's content hash: a start after `npm install` or `npm test` (which build every module,
// bin/build-js.mjs) only reads files; a module edited since is recompiled once, on its first
// import, so the JavaScript that runs is never older than its source.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = join(ROOT, 'dist');

/** What the compiler is told, from tsconfig.json's target: the same output tsx gave. */
const OPTIONS = {
  loader: 'ts',
  format: 'esm',
  target: 'node20',
  // inline, so --enable-source-maps (the CLI's --verbose) points at the TypeScript lines
  sourcemap: 'inline',
  tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true, verbatimModuleSyntax: false } },
};

// bumped when OPTIONS change, so every cached module is rebuilt
const COMPILER_KEY = 'v1';

let esbuild;

/** The cache file for a source file: its path under dist/ mirrors the repository's; a module outside it is kept by its path's hash. */
export function cachePath(file) {
  const rel = relative(ROOT, file);
  if (rel.startsWith('..') || rel.startsWith(sep)) return join(DIST, '.outside', `${createHash('sha256').update(file).digest('hex').slice(0, 24)}.js`);
  return join(DIST, `${rel}.js`);
}

const header = (source) => `// source-sha256 ${COMPILER_KEY} ${createHash('sha256').update(source).digest('hex')}\n`;

/** The JavaScript for one .ts file: the cached build when it was made from this very source, else a fresh compile (then cached). */
export async function compiledModule(file) {
  const source = readFileSync(file, 'utf8');
  const head = header(source);
  const out = cachePath(file);
  let cached;
  try {
    cached = readFileSync(out, 'utf8');
  } catch {}
  if (cached?.startsWith(head)) return { code: cached, fresh: false };
  esbuild ??= await import('esbuild');
  const { code } = await esbuild.transform(source, { ...OPTIONS, sourcefile: file });
  const text = head + code;
  try {
    mkdirSync(dirname(out), { recursive: true });
    // written under a name of its own and renamed: processes compiling at once never see half a file
    const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, out);
  } catch {
    // a read-only checkout still runs, compiling each start
  }
  return { code: text, fresh: true };
}
