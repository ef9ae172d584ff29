import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../fixtures/generate.ts';
import { loadAudio } from '../../harness/audio/load-audio.ts';
import { isAsrParityError } from '../../harness/errors.ts';
import { commandBackend, parseTranscript } from './command-runner.ts';

const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-command-'));
const script = (name: string, body: string) => {
  const f = join(tmp, name);
  writeFileSync(f, body);
  return f;
};
// a stand-in external transcriber: prints its arguments back as JSON, so the test sees exactly what it received
const echo = script('echo-args.mjs', `console.log('loading model...'); console.log(JSON.stringify({ argv: process.argv.slice(2), text: 'hello from ' + process.argv.length + ' args' }));`);
const failing = script('fail.mjs', `console.error('line one'); console.error('CUDA out of memory'); process.exit(3);`);
const hanging = script('hang.mjs', `setInterval(() => {}, 1000);`);

const speechPath = join(FIXTURE_DIR, 'audio/speech-01.wav');

describe('parsing a transcript from stdout', () => {
  it('takes all of it, its last line, a JSON field or a regex group', () => {
    expect(parseTranscript('  hello world \n', { format: 'text' }, 'p')).toBe('hello world');
    expect(parseTranscript('INFO: loading\nhello world\n\n', { format: 'text', lastLine: true }, 'p')).toBe('hello world');
    expect(parseTranscript('log\n{"a":{"t":" hi "}}\n', { format: 'json', field: 'a.t' }, 'p')).toBe('hi');
    expect(parseTranscript('x\nTEXT: the cat\n', { format: 'regex', pattern: '^TEXT: (.*)$' }, 'p')).toBe('the cat');
  });

  it('says what is wrong when the output does not fit', () => {
    expect(() => parseTranscript('no json', { format: 'json', field: 't' }, 'p')).toThrow(/printed no JSON object line/);
    expect(() => parseTranscript('{"t": 3}', { format: 'json', field: 't' }, 'p')).toThrow(/field "t" of its JSON output is number/);
    expect(() => parseTranscript('nothing', { format: 'regex', pattern: '^X: (.*)' }, 'p')).toThrow(/does not match/);
  });
});

describe('the command backend runs real programs without a shell', () => {
  it('passes a hostile file name as one argument, untouched by any shell', async () => {
    const name = join(tmp, 'it\'s "a" $(touch PWNED) `id` ;\nname.wav');
    copyFileSync(speechPath, name);
    const b = commandBackend({ name: 'echo', description: 'echo test program', device: 'cpu', precision: 'n/a' });
    const b2 = await b.load({ command: { program: process.execPath, args: [echo, '--audio', '{audio}'], output: { format: 'regex', pattern: '"argv":(\\[.*?\\])' } } });
    const t = await b2.transcribe(await loadAudio(name));
    const argv = JSON.parse(t.text) as string[];
    expect(argv).toHaveLength(2);
    expect(argv[1]).toMatch(/1-it's "a" \$\(touch PWNED\) `id` ;\nname\.wav$/);
    expect(existsSync(join(tmp, 'PWNED'))).toBe(false);
    expect(existsSync('PWNED')).toBe(false);
    b2.dispose();
  });

  it('reports a non-zero exit with the tail of stderr', async () => {
    const b = commandBackend({ name: 'fails', description: 'failing test program', device: 'cpu', precision: 'n/a' });
    const l = await b.load({ command: { program: process.execPath, args: [failing, '{audio}'], output: { format: 'text' } } });
    const err = await l.transcribe(await loadAudio(speechPath)).catch((e: Error) => e);
    expect(isAsrParityError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/exited with 3 on .*speech-01\.wav: line one \| CUDA out of memory/);
    l.dispose();
  });

  it('kills a program that hangs past its timeout', async () => {
    const b = commandBackend({ name: 'hangs', description: 'hanging test program', device: 'cpu', precision: 'n/a' });
    const l = await b.load({ command: { program: process.execPath, args: [hanging, '{audio}'], output: { format: 'text' }, timeoutMs: 500 } });
    // the program never exits on its own: only the kill lets this settle, whatever the machine's load
    const err = await l.transcribe(await loadAudio(speechPath)).catch((e: Error) => e);
    expect(String((err as Error).message)).toMatch(/timed out after 500 ms .* and was killed/);
    l.dispose();
  });

  it('refuses an unknown placeholder at load and a missing program up front', async () => {
    const b = commandBackend({ name: 'x', description: 'placeholder test', device: 'cpu', precision: 'n/a' });
    await expect(b.load({ command: { program: process.execPath, args: ['{audoi}'], output: { format: 'text' } } })).rejects.toThrow(/\{audoi\}: unknown placeholder/);
    const a = await b.available({ command: { program: 'no-such-transcriber-xyz', args: [], output: { format: 'text' } } });
    expect(a).toEqual({ ok: false, reason: 'program "no-such-transcriber-xyz" not found on PATH' });
  });
});
