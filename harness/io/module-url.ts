import { pathToFileURL } from 'node:url';

/**
 * The URL to import a module from when its path is computed at run time (the backends found in
 * backends/, the module an isolated worker serves). Run from the bundle (bin/ts/launch.mjs), that
 * is the module's bundled build, sharing one copy of every module with the code already loaded;
 * anywhere else (the module hooks, vitest) the source file itself.
 */
export function moduleUrl(file: string): string {
  const bundled = (globalThis as { [k: symbol]: ((f: string) => string) | undefined })[Symbol.for('asr-parity.module-url')];
  return bundled ? bundled(file) : pathToFileURL(file).href;
}
