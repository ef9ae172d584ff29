import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { errorFromData, InferenceError } from '../../harness/errors.ts';
import { setLongTimeout, type LongTimeout } from '../../harness/io/long-timeout.ts';
import type { ProcessEnd } from '../types.ts';
import { PROTOCOL_VERSION, schemaProblem, validate, type HelloValue, type Message, type Op } from './protocol.ts';

export interface WorkerLaunch {
  /** Label in errors: the backend's name. */
  name: string;
  /** argv: the program and its arguments, run without a shell. */
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** A call (other than hello and load) that takes longer kills the process; 0: no limit. */
  callTimeoutMs: number;
  /** Starting the process, hello and load together; 0: no limit. */
  loadTimeoutMs: number;
  /** Where the user sets each timeout, named in the error when one fires (a config field). */
  timeoutSettings?: { call: string; load: string };
  /** The run was stopped: a process still starting (hello) or loading is killed, and those calls fail. */
  signal?: AbortSignal;
}

type Pending = { op: Op; stage?: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer?: LongTimeout; progress?: (m: string) => void };

/** Keeps the last few kilobytes a process wrote on stderr: what it said before it died. */
function stderrTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  });
  return () =>
    tail
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-3)
      .join(' | ');
}

/**
 * One worker process and the protocol on its pipes. Whatever goes wrong with the process
 * itself (it dies, hangs past a timeout, writes a line that is not the protocol) ends it and
 * fails every call, now and later, with an InferenceError naming the backend, the reason and
 * its last stderr lines: a failure of that backend, which the gate records as such. An error
 * the worker answers with is rebuilt as the typed error it names, and the process lives on.
 */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private dead: Error | undefined;
  private endedBy: ProcessEnd | undefined;
  private failing = false;
  private closed = false;
  readonly lastLines: () => string;
  private readonly stderrListeners: ((line: string) => void)[] = [];
  /** The worker's process id: its own memory is read from /proc (loaded-worker.ts). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  constructor(private readonly launch: WorkerLaunch) {
    const [program, ...args] = launch.command;
    if (!program) throw new InferenceError(launch.name, 'empty worker command', 'give "command" as [program, ...args]');
    this.child = spawn(program, args, { cwd: launch.cwd, env: { ...process.env, ...launch.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.lastLines = stderrTail(this.child);
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      for (const f of this.stderrListeners) f(line);
    });
    this.child.on('close', () => (this.closed = true));
    this.child.on('error', (e) => this.fail(`could not start ${program}: ${e.message}`, 'check the worker command (program path, permissions)', 'crash'));
    // a worker that exits closes its stdin: writing then must not crash this process
    this.child.stdin!.on('error', () => undefined);
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
    this.child.on('exit', (code, signal) => {
      const op = this.doing();
      this.fail(`backend process died (${signal ?? `exit code ${code}`}) during ${op}`, 'a crash in the backend process: its last stderr lines say more', 'crash');
    });
    const stop = launch.signal;
    if (stop) {
      // only a start or a load is ended: a loaded backend's calls are the harness's to abandon or finish
      const interrupt = () => {
        if ([...this.pending.values()].some((p) => p.op === 'hello' || p.op === 'load')) this.fail(`stopped (${String(stop.reason ?? 'abort')}) during ${this.doing()}; the backend process was killed`, 'the run was interrupted', 'interrupted');
      };
      if (stop.aborted) queueMicrotask(interrupt);
      else stop.addEventListener('abort', interrupt, { once: true });
      this.child.on('exit', () => stop.removeEventListener('abort', interrupt));
    }
  }

  /** Hands every line the worker writes on stderr to `f` as it arrives (what the fallback attestation reads). */
  onStderrLine(f: (line: string) => void): void {
    this.stderrListeners.push(f);
  }

  /** Starts a worker and checks it speaks this protocol version. */
  static async start(launch: WorkerLaunch): Promise<{ proc: WorkerProcess; hello: HelloValue }> {
    const proc = new WorkerProcess(launch);
    const hello = await proc.call<HelloValue>('hello', { protocol: PROTOCOL_VERSION }, { timeoutMs: launch.loadTimeoutMs });
    return { proc, hello };
  }

  /** The call under way, with the last progress it reported: what a death or timeout interrupted. */
  private doing(p: Pending | undefined = [...this.pending.values()][0]): string {
    if (!p) return 'idle';
    return p.stage ? `${p.op} (at ${p.stage})` : p.op;
  }

  /**
   * Ends the process and, once its stderr has been read to the end (stdout and stderr are
   * separate pipes: a garbage line can arrive before the log line written just before it),
   * fails every call with the reason and the last stderr lines.
   */
  private fail(problem: string, hint: string, end: ProcessEnd | 'interrupted'): void {
    if (this.failing) return;
    this.failing = true;
    // stopped by the user: not an end of the backend's own, and never a loaded backend's (only a start or load is stopped)
    if (end !== 'interrupted') this.endedBy = end;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    const finish = () => {
      if (this.dead) return;
      const tail = this.lastLines();
      this.dead = new InferenceError(this.launch.name, `${problem}${tail ? `; last stderr: ${tail}` : ''}`, hint);
      for (const p of this.pending.values()) {
        p.timer?.clear();
        p.reject(this.dead);
      }
      this.pending.clear();
    };
    if (this.closed) return finish();
    const t = setTimeout(finish, 2000);
    this.child.once('close', () => {
      clearTimeout(t);
      finish();
    });
  }

  private onLine(line: string): void {
    if (this.failing || !line.trim()) return;
    let msg: Message;
    try {
      msg = JSON.parse(line) as Message;
    } catch {
      return this.garbage(line, 'not JSON');
    }
    if (!validate.message(msg)) return this.garbage(line, schemaProblem(validate.message));
    const p = this.pending.get(msg.id);
    if (!p) return this.garbage(line, `answers id ${msg.id}, which no request has`);
    if ('progress' in msg) {
      p.stage = msg.progress;
      return p.progress?.(msg.progress);
    }
    this.pending.delete(msg.id);
    p.timer?.clear();
    if (!msg.ok) return p.reject(errorFromData({ input: p.op, ...msg.error }));
    const check = validate.value[p.op];
    if (!check(msg.value)) {
      this.pending.set(-msg.id, p); // failed with the rest, once the process is gone
      return this.garbage(line, `${p.op} value ${schemaProblem(check)}`);
    }
    p.resolve(msg.value);
  }

  private garbage(line: string, why: string): void {
    const shown = line.length > 120 ? `${line.slice(0, 120)}...` : line;
    this.fail(`backend process broke protocol ${PROTOCOL_VERSION} (${why}): ${JSON.stringify(shown)}; it was killed`, 'stdout is for protocol lines only: write logs to stderr', 'protocol');
  }

  /** Sends one request and waits for its response value (checked against the op's schema). */
  call<T>(op: Op, body: Record<string, unknown> = {}, o: { timeoutMs?: number; progress?: (m: string) => void } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.dead) return reject(this.dead);
      const id = ++this.next;
      const p: Pending = { op, resolve: resolve as (v: unknown) => void, reject, progress: o.progress };
      const timeoutMs = o.timeoutMs ?? this.launch.callTimeoutMs;
      if (timeoutMs > 0) {
        const isStart = op === 'hello' || op === 'load';
        const setting = isStart ? (this.launch.timeoutSettings?.load ?? 'the load timeout') : (this.launch.timeoutSettings?.call ?? 'the call timeout');
        const hint = isStart ? `raise ${setting}, or look for a hang while the backend starts` : `raise ${setting}, or look for a hang in the backend`;
        // a limit computed from a long run (a call timeout times thousands of runs) can pass Node's 2^31 - 1 ms
        p.timer = setLongTimeout(() => this.fail(`${this.doing(p)} took longer than ${timeoutMs} ms; the backend process was killed`, hint, 'timeout'), timeoutMs);
      }
      this.pending.set(id, p);
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...body })}\n`);
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Why the process ended on its own or was killed (not a close()): undefined while it serves. */
  get ended(): ProcessEnd | undefined {
    return this.endedBy;
  }

  /** Asks the worker to dispose and closes its stdin; later calls are refused. Idempotent. */
  close(): void {
    if (this.dead) return;
    const err = new InferenceError(this.launch.name, 'backend was already disposed', 'load it again');
    // no call timer: its answer is no longer read (failing is set below), and a pending timer would keep the harness alive for the whole call timeout
    this.call('dispose', {}, { timeoutMs: 0 }).catch(() => undefined);
    this.child.stdin!.end();
    this.dead = err;
    this.failing = true;
    // a worker that ignores dispose and end of input is not left behind
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    t.unref();
    this.child.on('exit', () => clearTimeout(t));
    // not unref()ed: this process waits for the worker to end (at most the 5 s above) and reaps it,
    // so the worker's CPU time is charged to this process's children (`time`, getrusage) instead of escaping
  }
}
