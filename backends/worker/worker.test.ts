import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../fixtures/generate.ts';
import { loadAudio } from '../../harness/audio/load-audio.ts';
import { readManifest } from '../../harness/audio/manifest.ts';
import { loadConfig, type BackendEntry, type Config } from '../../harness/config/load-config.ts';
import { isAsrParityError } from '../../harness/errors.ts';
import { runGate } from '../../harness/run/gate-run.ts';
import { planBackends } from '../../harness/run/plan-backends.ts';
import worker from '../worker.ts';

/**
 * Workers that misbehave for real, each a small Python program: a well-behaved start, then on
 * transcribe one of the ways a worker goes wrong. Each must end as that backend's failure with
 * the reason and its last stderr lines; other backends' results stay.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'asr-parity-workers-'));
const speech = await loadAudio(join(FIXTURE_DIR, 'audio/speech-03.wav'));

function fakeWorker(name: string, onTranscribe: string): string[] {
  const f = join(dir, `${name}.py`);
  writeFileSync(
    f,
    `import json, sys, time
def reply(req, value): print(json.dumps({"id": req["id"], "ok": True, "value": value}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "hello": reply(req, {"protocol": 1, "engine": "${name}"})
    elif req["op"] == "load": reply(req, {"loadMs": 1, "description": {"engine": "${name}"}, "capabilities": ["tokens"]})
    elif req["op"] == "transcribe":
        print("${name}: starting work", file=sys.stderr, flush=True)
${onTranscribe.replace(/^/gm, '        ')}
    elif req["op"] == "dispose": reply(req, None); break
`,
  );
  return ['python3', f];
}

const WORKERS = {
  garbage: fakeWorker('garbage', `print("Traceback (most recent call last): oops", flush=True)`),
  dies: fakeWorker('dies', `print("fatal: out of device memory", file=sys.stderr, flush=True)\nsys.exit(3)`),
  hangs: fakeWorker('hangs', `time.sleep(600)`),
  badValue: fakeWorker('bad-value', `reply(req, {"text": 42, "timings": {"totalMs": 1}})`),
  refuses: fakeWorker('refuses', `print(json.dumps({"id": req["id"], "ok": False, "error": {"code": "AUDIO_INPUT", "input": "clip", "problem": "too short"}}), flush=True)`),
};
const settings = { callTimeoutMs: 3000, loadTimeoutMs: 60_000 };
/** A config entry as written: the worker's argv in "command", its settings in "worker". */
const entry = (name: keyof typeof WORKERS, optional = false): BackendEntry => ({ name, backend: 'worker', optional, command: WORKERS[name], worker: settings });

describe('worker backend: a misbehaving worker is a failure of that backend', () => {
  it('garbage on stdout, an exit mid-call and a hang each fail with the reason and the last stderr lines', async () => {
    const load = (name: keyof typeof WORKERS) => worker.load({ worker: { ...settings, command: WORKERS[name] } });
    const garbage = await load('garbage');
    await expect(garbage.transcribe(speech)).rejects.toThrow(/broke protocol 1 \(not JSON\): "Traceback \(most recent call last\): oops"; it was killed; last stderr: garbage: starting work/);
    const dies = await load('dies');
    await expect(dies.transcribe(speech)).rejects.toThrow(/backend process died \(exit code 3\) during transcribe; last stderr: dies: starting work \| fatal: out of device memory/);
    const hangs = await load('hangs');
    await expect(hangs.transcribe(speech)).rejects.toThrow(/transcribe took longer than 3000 ms; the backend process was killed; last stderr: hangs: starting work/);
    // a dead worker stays dead: later calls are refused with the same reason, typed
    const again = await hangs.transcribe(speech).catch((e: unknown) => e);
    expect(isAsrParityError(again) && again.code).toBe('INFERENCE');
    const bad = await load('badValue');
    await expect(bad.transcribe(speech)).rejects.toThrow(/broke protocol 1 \(transcribe value \/text must be string\)/);
    for (const b of [garbage, dies, hangs, bad]) b.dispose();
  });

  it('an error the worker answers with is rebuilt as its typed error, and the worker lives on', async () => {
    const b = await worker.load({ worker: { ...settings, command: WORKERS.refuses } });
    const err = await b.transcribe(speech).catch((e: unknown) => e);
    expect(isAsrParityError(err) && [err.code, err.message]).toEqual(['AUDIO_INPUT', 'clip: too short']);
    await expect(b.transcribe(speech)).rejects.toThrow(/too short/);
    b.dispose();
  });

  it('in a gate run, the broken workers fail and the other device backend\'s results are kept', async () => {
    const base = loadConfig();
    const config: Config = { ...base, baseline: { name: 'cpu-fp32', backend: 'cpu-fp32' }, backends: [entry('garbage'), { name: 'cpu-fp16', backend: 'cpu-fp16' }, entry('dies', true), entry('hangs')] };
    const cases = readManifest(config.fixtures).filter((c) => c.id === 'speech-01' || c.id === 'tone-440hz');
    const report = await runGate({ config, plan: await planBackends(config), accuracy: { cases } });
    const by = (n: string) => report.backends.find((b) => b.name === n)!;
    expect(by('cpu-fp16').status).toBe('ran');
    expect(by('cpu-fp16').accuracy!.cases).toHaveLength(2);
    expect(by('garbage')).toMatchObject({ status: 'failed', required: true });
    // started again after each case (maxRestarts), it failed on both: a failure of the backend, named by its entry, not by its program (python3)
    expect(by('garbage').reason).toMatch(/^failed on every case \(2\); the first, tone-440hz \(.*\): backend process broke protocol 1 .*last stderr: garbage: starting work/);
    expect(by('garbage').reason).not.toMatch(/python3/);
    expect(by('garbage').failedCases?.map((f) => [f.case, f.kind])).toEqual([['tone-440hz', 'protocol'], ['speech-01', 'protocol']]);
    expect(by('dies')).toMatchObject({ status: 'failed', required: false });
    expect(by('dies').reason).toMatch(/exit code 3.*fatal: out of device memory/);
    expect(by('hangs').reason).toMatch(/took longer than 3000 ms/);
    expect(report.verdict).toBe('fail');
    expect(report.verdictReasons.map((r) => r.message).join('\n')).toMatch(/garbage \(required\) failed/);
  });

  it('the minimal worker in the README is the one in workers/minimal, word for word', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```python\n(# A complete asr-parity worker[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has the minimal worker').toBeDefined();
    expect(readFileSync(join(ROOT, 'workers/minimal/worker.py'), 'utf8')).toBe(`#!/usr/bin/env python3\n${block}`);
  });

  it('is unavailable, with the reason, without a command or with a program that does not exist', async () => {
    expect(await worker.available({})).toMatchObject({ ok: false, reason: expect.stringMatching(/no worker command/) });
    expect(await worker.available({ worker: { command: [join(dir, 'missing')] } })).toMatchObject({ ok: false, reason: expect.stringMatching(/not found or not executable/) });
    expect(await worker.available({ worker: { command: ['python3', 'x.py'] } })).toMatchObject({ ok: true });
  });
});
