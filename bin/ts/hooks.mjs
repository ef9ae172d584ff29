// Module hooks (module.register): a .ts module loads as the JavaScript compile.mjs keeps for it.
// Its URL stays the source's, so import.meta.url, relative assets and stack traces are unchanged.
import { fileURLToPath } from 'node:url';
import { compiledModule } from './compile.mjs';
import { vendoredFiles } from './vendor.mjs';

// a package of many files is served as its one-file build where there is one (bin/ts/vendor.mjs)
const VENDORED = vendoredFiles();

export async function resolve(specifier, context, next) {
  const file = VENDORED.get(specifier);
  return file ? { url: file, shortCircuit: true } : next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const { code } = await compiledModule(fileURLToPath(url));
    return { format: 'module', source: code, shortCircuit: true };
  }
  return next(url, context);
}
