/**
 * How a backend's child process runs TypeScript: tsx's loader by absolute URL, so the child
 * starts from any working directory (a bare `--import tsx` resolves from the cwd, and fails
 * outside the repository).
 */
export const WORKER = new URL('./backend-worker.ts', import.meta.url).pathname;
export const WORKER_EXEC_ARGV = ['--import', import.meta.resolve('tsx')];
