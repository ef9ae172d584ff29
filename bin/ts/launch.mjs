// Runs a TypeScript entry (the CLI, the isolated backend worker) from the bundle in dist/bundle/
// (bin/ts/bundle.mjs) when it is current, else through the module hooks (bin/ts/hooks.mjs:
// correct, slower to start). Current means: built in this checkout, every file it was built from
// unchanged (size and mtime, or failing those, the sha256 of its content), and no file added to
// or removed from a folder whose modules are found at run time. So the bundle never runs code
// older than its sources; an edit since `npm install` / `npm test` only costs start-up time.
// ASR_PARITY_LAUNCH_TRACE=1 says on stderr which way a process started, and why.
//
//   node bin/ts/launch.mjs <entry.ts> [args...]: as `node <entry.ts> [args...]` would; every .ts
//   argument is taken as a module the entry imports (the worker's backend), which the bundle
//   must hold too, else the whole process takes the hooks path (one copy of each module per
//   process: an error class loaded twice would fail `instanceof`).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const withSlash = (dir) => (dir.endsWith('/') ? dir : `${dir}/`);
// loaded only when a file was touched: node:crypto is a few ms of every start otherwise
const sha256 = (file) => createRequire(import.meta.url)('node:crypto').createHash('sha256').update(readFileSync(file)).digest('hex');

/** The manifest of <root>'s bundle when the bundle is current, else undefined; `why` hears the reason. */
export function currentBundle(root = ROOT, why = () => {}) {
  root = withSlash(root);
  const no = (reason) => void why(reason);
  let m;
  try {
    m = JSON.parse(readFileSync(`${root}dist/bundle/current.json`, 'utf8'));
  } catch {
    return no('no bundle (node bin/build-js.mjs builds it)');
  }
  if (m.root !== root) return no(`built in ${m.root}`);
  for (const [rel, [size, mtimeMs, sha]] of Object.entries(m.inputs)) {
    const file = root + rel;
    let s;
    try {
      s = statSync(file);
    } catch {
      return no(`${rel} is gone`);
    }
    if (s.size === size && s.mtimeMs === mtimeMs) continue;
    // touched (a checkout, a copy) but maybe not changed: the content decides
    if (s.size !== size || sha256(file) !== sha) return no(`${rel} changed since the build`);
  }
  for (const [dir, names] of Object.entries(m.listings)) {
    const now = readdirSync(root + dir).filter((f) => f.endsWith('.ts')).sort();
    if (now.join('\n') !== names.join('\n')) return no(`${dir}/ has other files than at the build`);
  }
  return m;
}

let hooks = false;
const registerHooks = () => {
  if (!hooks) register(new URL('./hooks.mjs', import.meta.url));
  hooks = true;
};
const trace = (m) => process.env.ASR_PARITY_LAUNCH_TRACE && process.stderr.write(`asr-parity launch: ${m}\n`);

/** Imports `entry` (a .ts file under `root`), from the bundle when it is current and holds `entry` and every module in `also`. */
export async function launch(entry, also = [], root = ROOT) {
  root = withSlash(root);
  const m = currentBundle(root, (why) => trace(`hooks: ${why}`));
  const outOf = (file) => m?.entries[relative(root, file)];
  if (m) {
    const missing = [entry, ...also].find((f) => !outOf(f));
    if (!missing) {
      const url = (file) => pathToFileURL(`${root}dist/bundle/${m.dir}/${outOf(file)}`).href;
      // what harness/io/module-url.ts asks for a module imported by a computed path (backends/)
      globalThis[Symbol.for('asr-parity.module-url')] = (file) => {
        if (outOf(file)) return url(file);
        trace(`hooks for ${file}: not in the bundle`);
        registerHooks(); // the listing check makes this rare: correct, slower
        return pathToFileURL(file).href;
      };
      trace(`bundle ${m.dir}`);
      return import(url(entry));
    }
    trace(`hooks: ${missing} is not in the bundle`);
  }
  registerHooks();
  return import(pathToFileURL(entry).href);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.argv.splice(1, 1); // the entry sees the argv it would see run directly
  await launch(process.argv[1], process.argv.slice(2).filter((a) => a.endsWith('.ts')));
}
