// Module hooks (module.register): a .ts module loads as the JavaScript compile.mjs keeps for it.
// Its URL stays the source's, so import.meta.url, relative assets and stack traces are unchanged.
import { fileURLToPath } from 'node:url';
import { compiledModule } from './compile.mjs';

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const { code } = await compiledModule(fileURLToPath(url));
    return { format: 'module', source: code, shortCircuit: true };
  }
  return next(url, context);
}
