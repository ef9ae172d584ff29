import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 21 item 5: worker processes were unref()ed when closed, so a command ended before its
 * worker did and the worker's CPU time escaped `time` (and getrusage): it was never the harness's
 * child when it ended. Here a worker burns a known amount of CPU after it is told to stop; the
 * harness process, at its very end, must have reaped it (its children's CPU time includes it).
 */
const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'asr-parity-reap-'));
// small: on a loaded machine the burn must end inside the 5 s a closed worker is given before it is killed
const BURN_MS = 150;

describe('a closed worker is reaped before the harness ends', () => {
  it('its CPU time counts among the harness\'s children', () => {
    const worker = join(dir, 'burns-on-exit.mjs');
    writeFileSync(
      worker,
      `import { createInterface } from 'node:readline';
const reply = (req, value) => process.stdout.write(JSON.stringify({ id: req.id, ok: true, value }) + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  if (req.op === 'hello') reply(req, { protocol: 1, engine: 'burner' });
  else if (req.op === 'load') reply(req, { loadMs: 1, description: { engine: 'burner' }, capabilities: [] });
  else if (req.op === 'dispose') reply(req, null);
});
// told to stop: burn ${BURN_MS} ms of CPU, then end
process.stdin.on('end', () => { const u = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; }; const t = u(); while (u() - t < ${BURN_MS}); process.exit(0); });
`,
    );
    const harness = join(dir, 'harness.mts');
    writeFileSync(
      harness,
      `import { readFileSync } from 'node:fs';
import { loadWorker } from ${JSON.stringify(join(ROOT, 'backends/worker/loaded-worker.ts'))};
// at the very end: the CPU time of the children this process waited for (cutime + cstime, 10 ms ticks)
process.on('exit', () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  process.stderr.write('children-cpu-ms ' + (Number(f[13]) + Number(f[14])) * 10 + '\\n');
});
const w = await loadWorker({ name: 'burner', command: [process.execPath, ${JSON.stringify(worker)}], callTimeoutMs: 60000, loadTimeoutMs: 60000 }, { load: {}, audio: 'samples' });
w.dispose();
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', harness], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, `the harness script failed: ${r.stderr}`).toBe(0);
    const cpu = Number(/children-cpu-ms (\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
    // the worker's burn is all its CPU time but start-up; 10 ms ticks
    expect(cpu, `CPU time of the children the harness reaped before it ended (the worker burned ${BURN_MS} ms after dispose)`).toBeGreaterThanOrEqual(BURN_MS - 20);
  });
});
