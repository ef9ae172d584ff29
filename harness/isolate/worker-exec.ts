/**
 * How a backend's child process runs TypeScript: bin/ts/register.mjs, by absolute URL so the
 * child starts from any working directory, loads each module from its JavaScript build in
 * dist/ (compiled at install, recompiled when its source changed): the child starts without
 * compiling, and never runs code older than its source.
 */
const WORKER = new URL('./backend-worker.ts', import.meta.url).pathname;
const WORKER_EXEC_ARGV = ['--import', new URL('../../bin/ts/register.mjs', import.meta.url).href];

/** argv of a process that serves the backend module `module` over the worker protocol. */
export function inTreeWorkerCommand(module: string): string[] {
  return [process.execPath, ...WORKER_EXEC_ARGV, WORKER, module];
}
