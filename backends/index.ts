import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, UsageError } from '../harness/errors.ts';
import { moduleUrl } from '../harness/io/module-url.ts';
import type { Backend } from './types.ts';

const DIR = dirname(fileURLToPath(import.meta.url));
/** Files directly in backends/ that are not backends; the families' folders are not listed at all. */
const NOT_BACKENDS = new Set(['index.ts', 'types.ts', 'config-fields.ts']);
const SOURCE = /\.(ts|mts|js|mjs)$/;

function isBackend(b: unknown): b is Backend {
  const x = b as Partial<Backend> | undefined;
  return typeof x?.name === 'string' && typeof x.available === 'function' && typeof x.load === 'function' && typeof x.device === 'string' && typeof x.precision === 'string' && Array.isArray(x.capabilities);
}

/**
 * The registry: every file directly in backends/ (not the family folders, not tests)
 * default-exports one backend, and so does every file directly in a folder a config names in
 * "backendPaths" (out-of-tree backends). Adding a backend is adding a file; nothing else needs an edit.
 */
export const backends: Record<string, Backend> = {};
/** Backend name -> the file that defines it: what a process of its own loads. */
export const backendModules: Record<string, string> = {};

async function discover(dir: string, skip: ReadonlySet<string>, where: string): Promise<void> {
  const files = readdirSync(dir).filter((f) => SOURCE.test(f) && !/\.(test|d)\.[mc]?[tj]s$/.test(f) && !skip.has(f)).sort();
  for (const f of files) {
    const file = join(dir, f);
    const mod = (await import(moduleUrl(file))) as { default?: unknown };
    if (!isBackend(mod.default)) throw new ConfigError(file, `does not default-export a backend (name, device, precision, capabilities, available, load)${where}`, 'see "Adding a backend" in the README');
    if (backends[mod.default.name]) throw new ConfigError(file, `backend name "${mod.default.name}" is already taken (by ${backendModules[mod.default.name]})`, 'give the backend a unique name');
    backends[mod.default.name] = mod.default;
    backendModules[mod.default.name] = file;
  }
}

await discover(DIR, NOT_BACKENDS, '');

const added = new Map<string, Promise<void>>();
/** Registers the backends in each folder (absolute paths, a config's "backendPaths"), once per folder per process. */
export async function addBackendFolders(dirs: readonly string[], source: string): Promise<void> {
  for (const d of dirs.map((x) => resolve(x))) {
    if (!added.has(d)) {
      if (!existsSync(d) || !statSync(d).isDirectory()) throw new ConfigError(`${source}: backendPaths`, `${d} is not a folder`, 'name folders of backend files, relative to the config file');
      added.set(d, discover(d, new Set(), ` (in ${d}, named by backendPaths of ${source})`));
    }
    await added.get(d);
  }
}

export function getBackend(name: string): Backend {
  const b = backends[name];
  if (!b) throw new UsageError(name, 'unknown backend', `choose one of: ${Object.keys(backends).join(', ')}`);
  return b;
}
