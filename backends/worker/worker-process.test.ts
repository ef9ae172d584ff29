import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AudioInputError, InferenceError } from '../../harness/errors.ts';
import { WorkerProcess, type WorkerLaunch } from './worker-process.ts';

/**
 * The protocol's edges, with real worker processes (small Node scripts speaking the line
 * protocol): a worker that exits cleanly in the middle of a call, and one that answers an id
 * nobody asked for. The call timeout is the default 10 minutes: noticing must not wait for it.
 */
const dir = mkdtempSync(join(tmpdir(), 'asr-parity-worker-process-'));
const TEN_MINUTES = 600_000;

/** A Node worker: answers hello (with `hello`, an expression, as its engine), then runs `onMemory(id, reply)` for a memory request. */
function worker(name: string, onMemory: string, hello = `'test-${name}'`): string[] {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(
    file,
    `import { createInterface } from 'node:readline';
const reply = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, op } = JSON.parse(line);
  if (op === 'hello') return reply({ id, ok: true, value: { protocol: 1, engine: ${hello} } });
  if (op === 'memory') { ${onMemory} }
});
`,
  );
  return [process.execPath, file];
}

/** The call's outcome, or a note that it was still waiting `ms` after the worker had done its part. */
async function settled(p: Promise<unknown>, ms: number): Promise<string> {
  const waiting = new Promise<string>((r) => setTimeout(() => r(`still waiting ${ms} ms later`), ms).unref());
  return Promise.race([p.then((v) => `resolved ${JSON.stringify(v)}`, (e: Error) => `rejected: ${e.message}`), waiting]);
}

describe('a worker process', () => {
  it('that exits with code 0 in the middle of a call fails the call at once, naming the exit and the call', async () => {
    const { proc } = await WorkerProcess.start({ name: 'quits', command: worker('quits', `console.error('bye'); process.exit(0);`), callTimeoutMs: TEN_MINUTES, loadTimeoutMs: 60_000 });
    const outcome = await settled(proc.call('memory'), 30_000);
    expect(outcome, 'a clean exit (code 0) mid-call must fail the call when the process exits, not after the call timeout').toMatch(/^rejected: quits: backend process died \(exit code 0\) during memory; last stderr: bye/);
    expect(proc.alive).toBe(false);
  }, 60_000);

  it('that answers an id nobody asked for is a protocol error: the worker is killed and the call fails', async () => {
    const { proc } = await WorkerProcess.start({ name: 'stray', command: worker('stray', `reply({ id: 99, ok: true, value: {} }); reply({ id, ok: true, value: {} });`), callTimeoutMs: TEN_MINUTES, loadTimeoutMs: 60_000 });
    const outcome = await settled(proc.call('memory'), 30_000);
    expect(outcome, 'an answer to id 99 (never sent) must break the protocol, not be ignored').toMatch(/^rejected: stray: backend process broke protocol 1 \(answers id 99, which no request has\)/);
    expect(proc.alive).toBe(false);
  }, 60_000);

  it('that answers the id it was asked gives the value (the scripts above speak the protocol)', async () => {
    const { proc, hello } = await WorkerProcess.start({ name: 'good', command: worker('good', `reply({ id, ok: true, value: { peakBytes: 7 } });`), callTimeoutMs: TEN_MINUTES, loadTimeoutMs: 60_000 });
    expect(hello.engine).toBe('test-good');
    expect(await settled(proc.call('memory'), 30_000)).toBe('resolved {"peakBytes":7}');
    proc.close();
  }, 60_000);
});

/** Whether a process of this id still exists (signal 0 only asks). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
const launch = (name: string, onMemory: string, extra: Partial<WorkerLaunch> = {}): WorkerLaunch => ({ name, command: worker(name, onMemory), callTimeoutMs: TEN_MINUTES, loadTimeoutMs: 60_000, ...extra });

describe('a worker process: what each way of going wrong says', () => {
  it('rebuilds an error the worker answers with as the typed error it names, and the worker serves on', async () => {
    const { proc } = await WorkerProcess.start(launch('answers-error', `if (globalThis.asked) return reply({ id, ok: true, value: { peakBytes: 1 } }); globalThis.asked = true; reply({ id, ok: false, error: { code: 'AUDIO_INPUT', problem: 'cannot read a.wav', hint: 'convert it' } });`));
    const e = await proc.call('memory').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AudioInputError);
    expect((e as Error).message).toBe('memory: cannot read a.wav (convert it)');
    expect(proc.alive).toBe(true);
    expect(await proc.call('memory')).toEqual({ peakBytes: 1 });
    expect(proc.ended).toBeUndefined();
    proc.close();
  }, 60_000);

  it('passes progress to the caller, and names the stage a death interrupted, the signal, and the last three stderr lines', async () => {
    const { proc } = await WorkerProcess.start(launch('dies-loading', `reply({ id, progress: 'reading weights' }); console.error('one\\n  two  \\n\\nthree\\nfour\\n'); setTimeout(() => process.kill(process.pid, 'SIGKILL'), 100);`));
    const seen: string[] = [];
    const outcome = await settled(proc.call('memory', {}, { progress: (m) => seen.push(m) }), 30_000);
    expect(seen).toEqual(['reading weights']);
    expect(outcome).toBe('rejected: dies-loading: backend process died (SIGKILL) during memory (at reading weights); last stderr: two | three | four (a crash in the backend process: its last stderr lines say more)');
    expect(proc.ended).toBe('crash');
    // every later call fails the same way at once
    expect(await settled(proc.call('memory'), 5_000)).toBe(outcome);
    // closing what already died keeps why it died
    proc.close();
    expect(await settled(proc.call('memory'), 5_000)).toBe(outcome);
  }, 60_000);

  it('keeps the last 4000 characters of its stderr, not all of it: a worker that logs for hours does not fill the harness\'s memory', async () => {
    // one line of 10,000 characters without a newline, then death: the tail is its last 4000
    const { proc } = await WorkerProcess.start(launch('floods', `process.stderr.write('a'.repeat(6000) + 'b'.repeat(4000), () => process.kill(process.pid, 'SIGKILL'));`));
    const outcome = await settled(proc.call('memory'), 30_000);
    expect(outcome.split('last stderr: ')[1], 'the error names the last 4000 characters the worker wrote on stderr').toBe(`${'b'.repeat(4000)} (a crash in the backend process: its last stderr lines say more)`);
  }, 60_000);

  it('notices a worker that dies between calls, and says it was idle', async () => {
    const { proc } = await WorkerProcess.start(launch('killed-idle', `reply({ id, ok: true, value: {} });`));
    process.kill(proc.pid!, 'SIGTERM');
    for (let i = 0; i < 300 && proc.alive; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await settled(proc.call('memory'), 5_000)).toMatch(/^rejected: killed-idle: backend process died \(SIGTERM\) during idle/);
    expect(proc.ended).toBe('crash');
  }, 60_000);

  it('kills a call past its timeout, naming the setting to raise; 0 means no limit', async () => {
    const settings = { call: 'isolation.callTimeoutMs', load: 'isolation.loadTimeoutMs' };
    const { proc } = await WorkerProcess.start(launch('hangs', `/* never answers */`, { callTimeoutMs: 300, timeoutSettings: settings }));
    const pid = proc.pid!;
    expect(await settled(proc.call('memory'), 30_000)).toBe('rejected: hangs: memory took longer than 300 ms; the backend process was killed (raise isolation.callTimeoutMs, or look for a hang in the backend)');
    expect(proc.ended).toBe('timeout');
    expect(exists(pid), 'the timed-out worker was killed').toBe(false);
    const mute = { name: 'mute', command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], callTimeoutMs: TEN_MINUTES, loadTimeoutMs: 300 };
    expect(await settled(WorkerProcess.start(mute), 30_000)).toBe('rejected: mute: hello took longer than 300 ms; the backend process was killed (raise the load timeout, or look for a hang while the backend starts)');
    expect(await settled(WorkerProcess.start({ ...mute, timeoutSettings: settings }), 30_000)).toMatch(/\(raise isolation\.loadTimeoutMs, or look for a hang while the backend starts\)$/);
    const slowCall = await WorkerProcess.start(launch('slow', `setTimeout(() => reply({ id, ok: true, value: {} }), 300);`, { callTimeoutMs: 0 }));
    expect(await settled(slowCall.proc.call('memory'), 30_000)).toBe('resolved {}');
    const loading = await WorkerProcess.start(launch('loads-forever', `/* never answers */`, { timeoutSettings: settings }));
    expect(await settled(loading.proc.call('load', {}, { timeoutMs: 100 }), 30_000)).toBe('rejected: loads-forever: load took longer than 100 ms; the backend process was killed (raise isolation.loadTimeoutMs, or look for a hang while the backend starts)');
    expect(await settled(slowCall.proc.call('memory', {}, { timeoutMs: 100 }), 30_000)).toMatch(/^rejected: slow: memory took longer than 100 ms; .*\(raise the call timeout, or look for a hang in the backend\)$/);
  }, 60_000);

  it('kills a worker that writes anything but protocol lines on stdout (blank lines aside), showing what it wrote', async () => {
    const broke = async (name: string, onMemory: string) => {
      const { proc } = await WorkerProcess.start(launch(name, onMemory));
      const pid = proc.pid!;
      const outcome = await settled(proc.call('memory'), 30_000);
      expect(exists(pid), `${name}: the worker that broke protocol was killed`).toBe(false);
      expect(proc.ended).toBe('protocol');
      return outcome;
    };
    expect(await broke('chatty', `process.stdout.write('\\n   \\nloading model\\n');`)).toBe('rejected: chatty: backend process broke protocol 1 (not JSON): "loading model"; it was killed (stdout is for protocol lines only: write logs to stderr)');
    expect(await broke('long', `process.stdout.write('x'.repeat(200) + '\\n');`)).toMatch(new RegExp(`\\(not JSON\\): "${'x'.repeat(120)}\\.\\.\\."; it was killed`));
    expect(await broke('exactly-120', `process.stdout.write('y'.repeat(120) + '\\n');`)).toMatch(new RegExp(`\\(not JSON\\): "${'y'.repeat(120)}"; it was killed`));
    expect(await broke('shapeless', `reply({ id, answer: 42 });`)).toMatch(/^rejected: shapeless: backend process broke protocol 1 \(\(top level\) must have required property 'ok'\): "\{\\"id\\":2,\\"answer\\":42\}"; it was killed/);
    expect(await broke('wrong-value', `reply({ id, ok: true, value: { peakBytes: 'many' } });`)).toMatch(/^rejected: wrong-value: backend process broke protocol 1 \(memory value \/peakBytes must be number\): /);
  }, 60_000);

  it('runs its command where and with what it is told, says its protocol, reports its pid, and refuses an empty or unstartable command', async () => {
    const where = mkdtempSync(join(tmpdir(), 'asr-parity-worker-cwd-'));
    const { proc, hello } = await WorkerProcess.start({ name: 'env', command: worker('env', '', '`${process.pid} ${process.cwd()} ${process.env.ASR_PARITY_WORKER_TEST} protocol ${JSON.parse(line).protocol}`'), cwd: where, env: { ASR_PARITY_WORKER_TEST: 'set' }, callTimeoutMs: TEN_MINUTES, loadTimeoutMs: 60_000 });
    // hello tells the worker which protocol the harness speaks
    expect(hello.engine).toBe(`${proc.pid} ${where} set protocol 1`);
    proc.close();
    expect(() => new WorkerProcess({ name: 'none', command: [], callTimeoutMs: 0, loadTimeoutMs: 0 })).toThrow(new InferenceError('none', 'empty worker command', 'give "command" as [program, ...args]'));
    expect(await settled(WorkerProcess.start({ name: 'missing', command: [join(where, 'no-such-program')], callTimeoutMs: 0, loadTimeoutMs: 0 }), 30_000)).toMatch(/^rejected: missing: could not start .*no-such-program: spawn .*ENOENT.*\(check the worker command \(program path, permissions\)\)$/);
  }, 60_000);

  it('on close, asks the worker to dispose, ends it, and refuses later calls', async () => {
    const disposed = join(mkdtempSync(join(tmpdir(), 'asr-parity-worker-dispose-')), 'disposed');
    const file = join(dir, 'disposes.mjs');
    writeFileSync(file, `import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, op } = JSON.parse(line);
  if (op === 'hello') process.stdout.write(JSON.stringify({ id, ok: true, value: { protocol: 1, engine: 'disposes' } }) + '\\n');
  if (op === 'dispose') writeFileSync(${JSON.stringify(disposed)}, 'yes');
});
`);
    const { proc } = await WorkerProcess.start({ name: 'disposes', command: [process.execPath, file], callTimeoutMs: TEN_MINUTES, loadTimeoutMs: 60_000 });
    const pid = proc.pid!;
    // the dispose request is sent without a call timer: its answer is never read, so a timer would
    // keep this process alive for the call timeout (ten minutes here). Counted around close()
    // itself, synchronously, so no other timer comes or goes in between
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    proc.close();
    expect(timers(), 'close() leaves no timer that keeps this process alive (the dispose call has none; the kill fallback is unref()ed)').toBe(before);
    proc.close();
    expect(proc.alive).toBe(false);
    expect(await settled(proc.call('memory'), 5_000)).toBe('rejected: disposes: backend was already disposed (load it again)');
    // the worker ends on its own once its input closes
    for (let i = 0; i < 300 && exists(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(exists(pid), 'the worker ended after close').toBe(false);
    expect(existsSync(disposed) && readFileSync(disposed, 'utf8')).toBe('yes');
    expect(proc.ended, 'a close is not an end of its own').toBeUndefined();
  }, 60_000);
});

describe('a worker process: the run stopped (Ctrl-C), and its stderr as it arrives', () => {
  /** A worker that answers hello (unless `silent`) and never answers load. */
  function stalls(name: string, silent = false): string[] {
    const file = join(dir, `${name}.mjs`);
    writeFileSync(
      file,
      `import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, op } = JSON.parse(line);
  if (op === 'hello' && !${silent}) process.stdout.write(JSON.stringify({ id, ok: true, value: { protocol: 1, engine: '${name}' } }) + '\\n');
  if (op === 'memory') process.stdout.write(JSON.stringify({ id, ok: true, value: { peakBytes: 3 } }) + '\\n');
});
`,
    );
    return [process.execPath, file];
  }

  it('an abort while the worker starts (hello) kills it and fails the start at once, naming the stage', async () => {
    const stop = new AbortController();
    const starting = WorkerProcess.start({ name: 'mute', command: stalls('mute', true), callTimeoutMs: TEN_MINUTES, loadTimeoutMs: TEN_MINUTES, signal: stop.signal });
    setTimeout(() => stop.abort('SIGINT'), 300);
    expect(await settled(starting, 30_000)).toMatch(/^rejected: mute: stopped \(SIGINT\) during hello; the backend process was killed/);
  }, 60_000);

  it('an abort while it loads kills it and fails the load; the process is gone and its end is not called a crash', async () => {
    const stop = new AbortController();
    const { proc } = await WorkerProcess.start({ name: 'slow-load', command: stalls('slow-load'), callTimeoutMs: TEN_MINUTES, loadTimeoutMs: TEN_MINUTES, signal: stop.signal });
    const pid = proc.pid!;
    const loading = proc.call('load', {});
    stop.abort('SIGTERM');
    expect(await settled(loading, 30_000)).toMatch(/^rejected: slow-load: stopped \(SIGTERM\) during load; the backend process was killed.*\(the run was interrupted\)$/);
    expect(proc.alive).toBe(false);
    expect(proc.ended, 'stopped by the user: not a crash, timeout or protocol end of the backend').toBeUndefined();
    await expect.poll(() => exists(pid), { timeout: 30_000 }).toBe(false);
  }, 60_000);

  it('a signal already aborted fails the start without waiting for it', async () => {
    const stop = new AbortController();
    stop.abort('SIGINT');
    expect(await settled(WorkerProcess.start({ name: 'late', command: stalls('late', true), callTimeoutMs: TEN_MINUTES, loadTimeoutMs: TEN_MINUTES, signal: stop.signal }), 30_000)).toMatch(/^rejected: late: stopped \(SIGINT\) during hello/);
  }, 60_000);

  it('an abort while a loaded worker serves a call ends nothing: the call is answered and the worker lives', async () => {
    const stop = new AbortController();
    const { proc } = await WorkerProcess.start({ name: 'serving', command: stalls('serving'), callTimeoutMs: TEN_MINUTES, loadTimeoutMs: TEN_MINUTES, signal: stop.signal });
    const call = proc.call('memory');
    stop.abort('SIGINT');
    expect(await settled(call, 30_000)).toBe('resolved {"peakBytes":3}');
    expect(proc.alive).toBe(true);
    proc.close();
  }, 60_000);

  it('hands each stderr line, whole and in order, to every listener as it arrives', async () => {
    const { proc } = await WorkerProcess.start(launch('talks', `console.error('first line'); console.error('second: with a colon'); console.error('third'); reply({ id, ok: true, value: {} });`));
    const a: string[] = [];
    const b: string[] = [];
    proc.onStderrLine((l) => a.push(l));
    proc.onStderrLine((l) => b.push(l));
    await proc.call('memory');
    await expect.poll(() => a.length, { timeout: 30_000 }).toBe(3);
    expect(a).toEqual(['first line', 'second: with a colon', 'third']);
    expect(b).toEqual(a);
    proc.close();
  }, 60_000);
});
