/**
 * How a backend's child process runs TypeScript: bin/ts/launch.mjs, by absolute path so the
 * child starts from any working directory, runs the worker from the bundle in dist/bundle/
 * when the bundle is current and holds the backend module, else module by module through the
 * JavaScript build in dist/ (a module of a test's own, say): the child starts without
 * compiling, and never runs code older than its source.
 */
const WORKER = new URL('./backend-worker.ts', import.meta.url).pathname;
const LAUNCH = new URL('../../bin/ts/launch.mjs', import.meta.url).pathname;

/** argv of a process that serves the backend module `module` over the worker protocol. */
export function inTreeWorkerCommand(module: string): string[] {
  return [process.execPath, LAUNCH, WORKER, module];
}
