// Builds the CLI and the isolated backend worker into one set of ESM files in dist/bundle/
// (esbuild: bundle, code splitting), so a start loads a few files and registers no module hooks:
// module.register starts a loader thread that cost about as much CPU as `node -e 0` itself.
// bin/ts/launch.mjs runs from it only while every source it was built from is unchanged.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './compile.mjs';

/** Folders whose files are imported by a path computed at run time: each file is an entry, and the folder's listing is part of the check. */
const DISCOVERED = ['backends'];
// the same rule as backends/index.ts's discovery: every .ts file directly in backends/ but these
const NOT_BACKENDS = new Set(['index.ts', 'types.ts', 'config-fields.ts']);
const isModule = (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts') && !NOT_BACKENDS.has(f);

/** The .ts files in a discovered folder, as the launcher compares them (a backend added since the build makes the build stale). */
const listing = (root, dir) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.ts')).sort();

const ENTRIES = ['harness/cli/main.ts', 'harness/isolate/backend-worker.ts'];

// Bundled with our code (the rest stay external, loaded from node_modules as before): importing a
// CommonJS package from ESM costs a resolve, a read and an exports scan per file, and every command
// needs these (importing commander and cli-progress from node_modules measured about 100 ms CPU over
// `node -e 0`, and @sinclair/typebox, which declares the config and protocol shapes, as much again,
// under load). Packages with native code, WebAssembly or assets stay external.
const INLINE = new Set(['commander', 'cli-progress', '@sinclair/typebox']);

/** A folder's path as the manifest keeps it: ending in a slash (the launcher compares it, and appends file names to it). */
export const withSlash = (dir) => (dir.endsWith('/') ? dir : `${dir}/`);

const OPTIONS = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // external map files, read only when source maps are on (--verbose): stack traces name the .ts lines
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'error',
  define: { 'import.meta.url': '__sourceUrl', 'import.meta.filename': '__sourceFile', 'import.meta.dirname': '__sourceDir' },
  // the inlined CommonJS packages call require() for node builtins
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true, verbatimModuleSyntax: false } },
};

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The plugins of one build; `loaded` gets the sha256 of each source as the build read it. */
const plugins = (loaded) => [
  {
    // A module finds its schemas, templates and JSON beside its source (new URL('./x.json',
    // import.meta.url)): in a bundle import.meta.url would be the chunk's, so each module gets
    // its own source file's URL (and dirname, filename) instead, declared on its first line
    // (line numbers unchanged; esbuild drops the ones a module does not use).
    name: 'import-meta-of-source',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (a) => {
        const text = readFileSync(a.path);
        loaded.set(a.path, createHash('sha256').update(text).digest('hex'));
        return {
          contents: `const __sourceUrl = ${JSON.stringify(pathToFileURL(a.path).href)}, __sourceFile = ${JSON.stringify(a.path)}, __sourceDir = ${JSON.stringify(dirname(a.path))};${text}`,
          loader: 'ts',
        };
      });
    },
  },
  {
    name: 'packages-external-but-inlined',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (a) => {
        // node: builtins are external on platform node; an inlined package's own dependencies are inlined with it
        if (a.path.startsWith('node:') || a.importer.includes('/node_modules/')) return undefined;
        const name = a.path.startsWith('@') ? a.path.split('/').slice(0, 2).join('/') : a.path.split('/')[0];
        return INLINE.has(name) ? undefined : { external: true };
      });
    },
  },
];

/**
 * Builds the bundle into a new folder of <root>/dist/bundle/ and points current.json there;
 * returns what was built. `root`, `entries` and `discovered` are this repository's unless a
 * test builds a project of its own (suites/js-build.test.ts).
 */
export async function buildBundle({ root = ROOT, entries: named = ENTRIES, discovered = DISCOVERED } = {}) {
  const esbuild = await import('esbuild');
  root = withSlash(root);
  const BUNDLE_DIR = join(root, 'dist/bundle');
  const MANIFEST = join(BUNDLE_DIR, 'current.json');
  const entries = [...named, ...discovered.flatMap((d) => listing(root, d).filter(isModule).map((f) => `${d}/${f}`))];
  // built beside the final folder (same depth, so the source maps' relative paths hold), then renamed
  const tmp = join(BUNDLE_DIR, `tmp-${process.pid}-${Date.now()}`);
  const loaded = new Map();
  let r;
  try {
    r = await esbuild.build({ ...OPTIONS, absWorkingDir: root, entryPoints: entries, outdir: tmp, outbase: root, plugins: plugins(loaded) });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const inputs = {};
  for (const rel of Object.keys(r.metafile.inputs).sort()) {
    // stat first, then the content: a write in between shows as a content change, at once or at the next start
    const s = statSync(join(root, rel));
    inputs[rel] = [s.size, s.mtimeMs, sha256(join(root, rel))];
    if (loaded.has(join(root, rel)) && loaded.get(join(root, rel)) !== inputs[rel][2]) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`${rel} changed while the bundle was built; build again`);
    }
  }
  const outOf = {};
  for (const [out, o] of Object.entries(r.metafile.outputs)) if (o.entryPoint) outOf[o.entryPoint] = relative(tmp, join(root, out));
  // named by what it was built from (sources, this builder, esbuild's version): a rebuild of
  // unchanged sources keeps the folder that running commands may be loading chunks from
  const made = [esbuild.version, sha256(new URL(import.meta.url)), ...Object.entries(inputs).map(([k, v]) => `${k} ${v[2]}`)];
  const id = createHash('sha256').update(made.join('\n')).digest('hex').slice(0, 16);
  const dir = join(BUNDLE_DIR, id);
  let previous;
  try {
    previous = JSON.parse(readFileSync(MANIFEST, 'utf8')).dir;
  } catch {}
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // the same build is there already
  }
  const manifest = { root, dir: id, entries: outOf, inputs, listings: Object.fromEntries(discovered.map((d) => [d, listing(root, d)])) };
  const part = `${MANIFEST}.${process.pid}.tmp`;
  writeFileSync(part, JSON.stringify(manifest));
  renameSync(part, MANIFEST);
  // older builds go, except the one just replaced: a command started from it may still import its lazy chunks
  for (const f of readdirSync(BUNDLE_DIR)) if (f !== id && f !== previous && f !== 'current.json' && !f.startsWith('tmp-')) rmSync(join(BUNDLE_DIR, f), { recursive: true, force: true });
  return { dir, entries: Object.keys(outOf).length, inputs: Object.keys(inputs).length };
}
