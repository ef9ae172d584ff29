import { fork, type ChildProcess } from 'node:child_process';

/**
 * How a backend's child process runs TypeScript: tsx's loader by absolute URL, so the child
 * starts from any working directory (a bare `--import tsx` resolves from the cwd, and fails
 * outside the repository).
 */
const WORKER = new URL('./backend-worker.ts', import.meta.url).pathname;
const WORKER_EXEC_ARGV = ['--import', import.meta.resolve('tsx')];

/** A backend worker process, and its last stderr lines (whisper.cpp prints a failed assertion there before it aborts). */
export function forkWorker(): { child: ChildProcess; lastLines: () => string } {
  const child = fork(WORKER, [], { execArgv: WORKER_EXEC_ARGV, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  });
  const lastLines = () =>
    tail
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-2)
      .join(' | ');
  return { child, lastLines };
}
