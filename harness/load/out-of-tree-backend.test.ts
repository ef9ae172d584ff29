import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { backendModules } from '../../backends/index.ts';
import { FIXTURE_DIR } from '../../fixtures/generate.ts';
import { loadAudio } from '../audio/load-audio.ts';
import { readManifest } from '../audio/manifest.ts';
import { runGate } from '../run/gate-run.ts';
import { loadConfig } from '../config/load-config.ts';
import { isAsrParityError } from '../errors.ts';
import { planBackends } from '../run/plan-backends.ts';
import { loadBackend } from './load-backend.ts';

/**
 * A backend with an option of its own is one file plus the config entry that uses it: this
 * writes both into a temporary folder, outside the tree (nothing in it is edited), and runs
 * them. The file declares its field and schema next to its code; the config names its folder
 * in "backendPaths". Plain JavaScript, as a user without a TypeScript build would write it.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/asr-parity.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-out-of-tree-'));
mkdirSync(join(tmp, 'my-backends'));
writeFileSync(
  join(tmp, 'my-backends', 'greeter.mjs'),
  `// An example backend: answers every clip with its "greeting", "repeat" times.
export default {
  name: 'greeter',
  description: 'an out-of-tree example backend with options of its own',
  device: 'cpu',
  precision: 'n/a',
  capabilities: [],
  config: { fields: { greeting: { type: 'string', minLength: 1 }, repeat: { type: 'integer', minimum: 1, default: 1 } } },
  async available(opts = {}) {
    return opts.greeting ? { ok: true } : { ok: false, reason: 'no greeting configured' };
  },
  async load(opts = {}) {
    return {
      loadMs: 0,
      async transcribe(audio) { return { text: Array(opts.repeat).fill(opts.greeting).join(' '), timings: { totalMs: audio.duration } }; },
      describe: () => ({ backend: 'greeter', greeting: opts.greeting, repeat: opts.repeat, pid: process.pid }),
      dispose() {},
    };
  },
};
`,
);
const configWith = (file: string, entry: Record<string, unknown>) => {
  const path = join(tmp, file);
  writeFileSync(path, JSON.stringify({ backendPaths: ['my-backends'], backends: [{ name: 'hello', backend: 'greeter', ...entry }] }));
  return path;
};

describe('a backend from a folder the config names, with an option of its own', () => {
  it('is found, its options reach load(), and it runs in a process of its own like an in-tree backend', async () => {
    const config = loadConfig(configWith('good.json', { greeting: 'hello there', repeat: 2 }));
    const plan = await planBackends(config);
    const hello = plan.devices[0]!;
    expect(backendModules.greeter).toBe(join(tmp, 'my-backends', 'greeter.mjs'));
    expect(hello.options).toMatchObject({ greeting: 'hello there', repeat: 2 });
    expect(hello.availability).toEqual({ ok: true });
    const loaded = await loadBackend(hello, { callTimeoutMs: 60_000, loadTimeoutMs: 120_000 });
    try {
      const t = await loaded.transcribe(await loadAudio(join(FIXTURE_DIR, 'audio/speech-03.wav')));
      expect(t.text).toBe('hello there hello there');
      // loaded by file path in the child: the options crossed the process boundary too
      expect(loaded.describe()).toMatchObject({ backend: 'greeter', greeting: 'hello there', repeat: 2, isolated: true });
      expect(loaded.describe().pid).not.toBe(process.pid);
    } finally {
      loaded.dispose();
    }
  });

  it('takes the default its schema gives', async () => {
    const plan = await planBackends(loadConfig(configWith('default.json', { greeting: 'hi' })));
    expect(plan.devices[0]!.options).toMatchObject({ greeting: 'hi', repeat: 1 });
  });

  it('refuses a bad value of its option, and a field it does not declare, naming the file, the entry and the field', async () => {
    const bad = configWith('bad.json', { greeting: 'hi', repeat: 0 });
    const err = await planBackends(loadConfig(bad)).catch((e: unknown) => e);
    expect(isAsrParityError(err) && err.code).toBe('CONFIG');
    expect((err as Error).message).toContain(`${bad}: field /backends/0/repeat must be >= 1 (entry "hello", a field of backend greeter)`);
    const unknown = configWith('unknown.json', { greeting: 'hi', volume: 11 });
    await expect(planBackends(loadConfig(unknown))).rejects.toThrow(/unknown\.json: field \/backends\/0\/volume is not allowed \(entry "hello", a field of backend greeter\).*greeter takes: greeting, repeat/);
  });

  it('fields that pass their schemas but not together are a config error too (an in-tree backend: a worker without its argv)', async () => {
    const path = join(tmp, 'worker-no-argv.json');
    writeFileSync(path, JSON.stringify({ backends: [{ name: 'w', backend: 'worker', worker: { device: 'cpu' } }] }));
    await expect(planBackends(loadConfig(path))).rejects.toThrow(`${path}: backend "w": has "worker" settings but no "command" array`);
  });

  it('a backend whose declared fields are no valid schema is named as the culprit, not the config', async () => {
    mkdirSync(join(tmp, 'broken-backends'));
    const file = join(tmp, 'broken-backends', 'broken.mjs');
    writeFileSync(file, `export default { name: 'broken-schema', description: 'x', device: 'cpu', precision: 'n/a', capabilities: [], config: { fields: { level: { type: 'strin' } } }, async available() { return { ok: true }; }, async load() { throw new Error('unreachable'); } };\n`);
    const path = join(tmp, 'broken.json');
    writeFileSync(path, JSON.stringify({ backendPaths: ['broken-backends'], backends: [{ backend: 'broken-schema', level: 'x' }] }));
    await expect(planBackends(loadConfig(path))).rejects.toThrow(`${file}: declares config fields that are not a valid JSON Schema`);
  });

  it('is asked whether it can run once per run: not again to load it, nor to measure it, nor in its own process', async () => {
    // every available() call, in this process or a child, appends its entry's tag to one file
    mkdirSync(join(tmp, 'counted-backends'));
    const calls = join(tmp, 'available-calls.txt');
    writeFileSync(calls, '');
    writeFileSync(
      join(tmp, 'counted-backends', 'counted.mjs'),
      `import { appendFileSync } from 'node:fs';
export default { name: 'counted', description: 'counts its availability checks', device: 'cpu', precision: 'n/a', capabilities: [],
  config: { fields: { tag: { type: 'string' } } },
  async available(opts = {}) { appendFileSync(${JSON.stringify(calls)}, opts.tag + '\\n'); return { ok: true }; },
  async load(opts = {}) { return { loadMs: 0, async transcribe(a) { return { text: 'the same words', timings: { totalMs: a.duration } }; }, describe: () => ({ backend: 'counted', tag: opts.tag }), dispose() {} }; } };
`,
    );
    const path = join(tmp, 'counted.json');
    writeFileSync(path, JSON.stringify({ backendPaths: ['counted-backends'], baseline: { name: 'a', backend: 'counted', tag: 'a' }, backends: [{ name: 'b', backend: 'counted', tag: 'b' }] }));
    const config = loadConfig(path);
    expect(config.isolation.enabled).toBe(true);
    const speech = await loadAudio(join(FIXTURE_DIR, 'audio/speech-03.wav'));
    const cases = readManifest(config.fixtures).filter((c) => c.id === 'speech-03');
    const report = await runGate({ config, plan: await planBackends(config), accuracy: { cases }, performance: { audio: speech, shortAudio: speech, runs: 5 } });
    // both loaded, transcribed and measured, isolated: every path that used to ask again was taken
    for (const b of report.backends) expect(b, b.name).toMatchObject({ status: 'ran', environment: { isolated: true } });
    expect(report.backends.every((b) => b.performance)).toBe(true);
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['a', 'b']);
  });

  it('from the command line: exit 2 and one line', async () => {
    const bad = configWith('bad-cli.json', { greeting: 42 });
    const r = await execa('node', [BIN, '--config', bad, 'backends'], { reject: false, stdin: 'ignore' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${bad}: field /backends/0/greeting must be string (entry "hello", a field of backend greeter)`);
  });
});
