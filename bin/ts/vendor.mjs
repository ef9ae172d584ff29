// Packages the module hooks serve as one file each. @sinclair/typebox's ESM build is about 250
// files: imported through the hooks (bin/ts/hooks.mjs, the fallback when the bundle is stale) it
// cost about 300 ms CPU per start, where the bundle inlines it (bin/ts/bundle.mjs). One esbuild
// file per package, named by its version, costs next to nothing; without it (no build yet, or
// another version installed) the package loads from node_modules as before.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url);
const VENDORED = ['@sinclair/typebox'];

function versionOf(name) {
  try {
    return JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, ROOT), 'utf8')).version;
  } catch {
    return undefined;
  }
}

const fileOf = (name, version) => new URL(`dist/vendor/${name.replace('/', '+')}-${version}.mjs`, ROOT);

/** The one-file build of each vendored package that exists now, by name (read once, by the hooks). */
export function vendoredFiles() {
  const out = new Map();
  for (const name of VENDORED) {
    const v = versionOf(name);
    const file = v && fileOf(name, v);
    if (file && existsSync(file)) out.set(name, file.href);
  }
  return out;
}

/** Builds the one-file copies that are missing (bin/build-js.mjs). */
export async function buildVendored() {
  const esbuild = await import('esbuild');
  let built = 0;
  for (const name of VENDORED) {
    const v = versionOf(name);
    if (!v) continue;
    const file = fileOf(name, v);
    if (existsSync(file)) continue;
    const path = new URL(file).pathname;
    mkdirSync(join(path, '..'), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await esbuild.build({ entryPoints: [name], absWorkingDir: new URL(ROOT).pathname, bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: tmp, logLevel: 'error', write: true, allowOverwrite: true });
    renameSync(tmp, path);
    built++;
  }
  return built;
}
