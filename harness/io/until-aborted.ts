/** The run was stopped (Ctrl-C, SIGTERM): what was under way is abandoned, what finished is kept. */
export class Interrupted extends Error {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }

  override get name(): string {
    return 'Interrupted';
  }
}

/**
 * A promise that settles as `work` does, or rejects with Interrupted as soon as `signal` aborts:
 * a call that may take minutes (a transcription, a measurement) need not be waited for once the
 * user has asked to stop. `work` itself runs on; its outcome is no longer read.
 */
export function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  const interrupted = () => new Interrupted(String(signal.reason ?? 'abort'));
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(interrupted());
  }
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(interrupted());
    signal.addEventListener('abort', stop, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', stop);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(e);
      },
    );
  });
}
