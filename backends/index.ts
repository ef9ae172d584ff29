import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, UsageError } from '../harness/errors.ts';
import { moduleUrl } from '../harness/io/module-url.ts';
import type { Backend } from './types.ts';

const DIR = dirname(fileURLToPath(import.meta.url));
const NOT_BACKENDS = new Set(['index.ts', 'types.ts']);

function isBackend(b: unknown): b is Backend {
  const x = b as Partial<Backend> | undefined;
  return typeof x?.name === 'string' && typeof x.available === 'function' && typeof x.load === 'function' && typeof x.device === 'string' && typeof x.precision === 'string' && Array.isArray(x.capabilities);
}

/**
 * The registry: every file directly in backends/ (not shared/, not tests) default-exports one
 * backend. Adding a backend is adding a file; nothing else needs an edit.
 */
/** Backend name -> the file that defines it: what an isolated process loads. */
export const backendModules: Record<string, string> = {};

async function discover(): Promise<Record<string, Backend>> {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts') && !NOT_BACKENDS.has(f)).sort();
  const found: Record<string, Backend> = {};
  for (const f of files) {
    const mod = (await import(moduleUrl(join(DIR, f)))) as { default?: unknown };
    if (!isBackend(mod.default)) throw new ConfigError(join(DIR, f), 'does not default-export a backend (name, device, precision, capabilities, available, load)', 'see "Adding a backend" in the README');
    if (found[mod.default.name]) throw new ConfigError(join(DIR, f), `backend name "${mod.default.name}" is already taken`, 'give the backend a unique name');
    found[mod.default.name] = mod.default;
    backendModules[mod.default.name] = join(DIR, f);
  }
  return found;
}

export const backends: Record<string, Backend> = await discover();

export function getBackend(name: string): Backend {
  const b = backends[name];
  if (!b) throw new UsageError(name, 'unknown backend', `choose one of: ${Object.keys(backends).join(', ')}`);
  return b;
}
