import { fork, type ChildProcess } from 'node:child_process';

/**
 * How a backend's child process runs TypeScript: bin/ts/register.mjs, by absolute URL so the
 * child starts from any working directory, loads each module from its JavaScript build in
 * dist/ (compiled at install, recompiled when its source changed): the child starts without
 * compiling, and never runs code older than its source.
 */
const WORKER = new URL('./backend-worker.ts', import.meta.url).pathname;
const WORKER_EXEC_ARGV = ['--import', new URL('../../bin/ts/register.mjs', import.meta.url).href];

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
