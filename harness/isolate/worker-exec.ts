/**
 * How the in-tree worker process is launched: Node running backend-worker.ts through tsx's
 * loader by absolute URL, so it starts from any working directory (a bare `--import tsx`
 * resolves from the cwd, and fails outside the repository). The one place that says how.
 */
const WORKER = new URL('./backend-worker.ts', import.meta.url).pathname;

/** argv of a process that serves the backend module `module` over the worker protocol. */
export function inTreeWorkerCommand(module: string): string[] {
  return [process.execPath, '--import', import.meta.resolve('tsx'), WORKER, module];
}
