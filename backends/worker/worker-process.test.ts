import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkerProcess } from './worker-process.ts';

/**
 * The protocol's edges, with real worker processes (small Node scripts speaking the line
 * protocol): a worker that exits cleanly in the middle of a call, and one that answers an id
 * nobody asked for. The call timeout is the default 10 minutes: noticing must not wait for it.
 */
const dir = mkdtempSync(join(tmpdir(), 'asr-parity-worker-process-'));
const TEN_MINUTES = 600_000;

/** A Node worker: answers hello, then runs `onMemory(id, reply)` for a memory request. */
function worker(name: string, onMemory: string): string[] {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(
    file,
    `import { createInterface } from 'node:readline';
const reply = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, op } = JSON.parse(line);
  if (op === 'hello') return reply({ id, ok: true, value: { protocol: 1, engine: 'test-${name}' } });
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
