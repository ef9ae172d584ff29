import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkerProcess } from '../../backends/worker/worker-process.ts';
import { loadConfig } from '../config/load-config.ts';
import { isAsrParityError } from '../errors.ts';
import { planBackends } from '../run/plan-backends.ts';
import { MAX_TIMER_MS, setLongTimeout } from './long-timeout.ts';

/**
 * Issue 21 item 2: `benchmark --num-runs 3600` died after 2 s with "measure took longer than
 * 2161800000 ms": Node replaces a delay past 2^31 - 1 ms by 1 ms. A limit computed from what the
 * user asked for must wait that long, however long.
 */
afterEach(() => {
  vi.useRealTimers();
});

describe('setLongTimeout: a delay past 2^31 - 1 ms', () => {
  it('does not fire early, where Node\'s own timer with the same delay fires at once', async () => {
    const fired = { long: false, node: false };
    const long = setLongTimeout(() => (fired.long = true), MAX_TIMER_MS + 1000);
    // the control: what the worker call did before (silence the overflow warning Node prints)
    const quiet = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const node = setTimeout(() => (fired.node = true), MAX_TIMER_MS + 1000);
    await sleep(200);
    quiet.mockRestore();
    long.clear();
    clearTimeout(node);
    expect(fired.node, 'control: Node fires an overflowing delay at once (else this test shows nothing)').toBe(true);
    expect(fired.long, 'a timeout of 2^31 + 999 ms fired within 200 ms').toBe(false);
  });

  it('fires once, when its whole delay has passed, and not when cleared', () => {
    vi.useFakeTimers();
    const delay = 3 * MAX_TIMER_MS + 12_345;
    let n = 0;
    setLongTimeout(() => n++, delay);
    vi.advanceTimersByTime(delay - 1);
    expect(n, 'fired before its delay').toBe(0);
    vi.advanceTimersByTime(1);
    expect(n, 'did not fire at its delay').toBe(1);
    vi.advanceTimersByTime(10 * MAX_TIMER_MS);
    expect(n, 'fired more than once').toBe(1);
    const cleared = setLongTimeout(() => n++, delay);
    vi.advanceTimersByTime(MAX_TIMER_MS + 5);
    cleared.clear();
    vi.advanceTimersByTime(delay);
    expect(n, 'fired after clear()').toBe(1);
  });
});

describe('a worker call whose limit passes 2^31 - 1 ms', () => {
  it('waits for the answer instead of killing the worker at once', async () => {
    // a worker that takes 300 ms to transcribe: the limit below is the one 3600 runs computed
    const f = join(mkdtempSync(join(tmpdir(), 'asr-parity-long-')), 'slow-worker.mjs');
    writeFileSync(
      f,
      `import { createInterface } from 'node:readline';
const reply = (req, value) => process.stdout.write(JSON.stringify({ id: req.id, ok: true, value }) + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  if (req.op === 'hello') reply(req, { protocol: 1, engine: 'slow' });
  else if (req.op === 'transcribe') setTimeout(() => reply(req, { text: 'done', timings: { totalMs: 300 } }), 300);
  else if (req.op === 'dispose') { reply(req, null); process.exit(0); }
});
`,
    );
    const limit = 600_000 + 600_000 * 3602;
    expect(limit).toBeGreaterThan(MAX_TIMER_MS);
    const { proc } = await WorkerProcess.start({ name: 'slow', command: [process.execPath, f], callTimeoutMs: limit, loadTimeoutMs: limit });
    try {
      await expect(proc.call('transcribe', { audio: { path: '/dev/null' } }, { timeoutMs: limit })).resolves.toMatchObject({ text: 'done' });
    } finally {
      proc.close();
    }
  });
});

describe('a command backend\'s timeoutMs past 2^31 - 1 ms', () => {
  it('is refused as bad input naming the field (execa arms one Node timer, which would fire at once)', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'asr-parity-long-')), 'config.json');
    const entry = (timeoutMs: number) => ({ name: 'cmd', backend: 'command', command: { program: process.execPath, args: ['{audio}'], output: { format: 'text' }, timeoutMs } });
    writeFileSync(f, JSON.stringify({ baseline: { backend: 'cpu-fp32' }, backends: [entry(MAX_TIMER_MS + 1)] }));
    const e = await planBackends(loadConfig(f)).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(isAsrParityError(e) && e.code, 'a ConfigError (exit 2)').toBe('CONFIG');
    expect((e as Error).message).toMatch(/timeoutMs must be <= 2147483647/);
    // the largest delay Node keeps is accepted
    writeFileSync(f, JSON.stringify({ baseline: { backend: 'cpu-fp32' }, backends: [entry(MAX_TIMER_MS)] }));
    await expect(planBackends(loadConfig(f))).resolves.toBeTruthy();
  });
});
