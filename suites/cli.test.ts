import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, PARITY_MODELS } from '../fixtures/generate.ts';

const BIN = resolve(import.meta.dirname, '../bin/asr-parity.mjs');
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, stdin: 'ignore' });
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-cli-'));
const speech = join(FIXTURE_DIR, 'audio/speech-01.wav');

describe('asr-parity CLI', () => {
  it.each(['cpu-fp32', 'cpu-fp16'])('transcribe --backend %s prints a real transcript', async (backend) => {
    const r = await cli('transcribe', '--backend', backend, '--audio', speech, '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.text.length).toBeGreaterThan(0);
    expect(out.tokens.length).toBeGreaterThan(0);
    expect(out.environment).toMatchObject({ backend, whisperVersion: '1.9.3-dev', precision: backend.slice(4) });
    expect(out.environment.modelSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  const bad = (name: string, bytes: Buffer | string) => {
    const f = join(tmp, name);
    writeFileSync(f, bytes);
    return f;
  };

  it.each([
    ['an empty file', () => ['--audio', bad('empty.wav', '')], /empty\.wav: empty file/],
    ['a non-audio file', () => ['--audio', bad('notes.txt', 'just some text')], /notes\.txt: not a WAV or FLAC/],
    ['a truncated WAV', () => ['--audio', bad('cut.wav', Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.from([16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3e, 0, 0, 0, 0x7d, 0, 0, 2, 0, 16, 0]), Buffer.from('data', 'latin1'), Buffer.from([0, 0x10, 0, 0]), Buffer.alloc(10)]))], /cut\.wav: truncated/],
    ['a missing model', () => ['--audio', speech, '--model', join(tmp, 'missing.bin')], /model not found/],
    ['a model with a bad magic', () => ['--audio', speech, '--model', bad('bad.bin', Buffer.alloc(4096, 1))], /bad\.bin: bad magic/],
    ['a truncated model', () => ['--audio', speech, '--model', bad('trunc.bin', readFileSync(PARITY_MODELS.fp16).subarray(0, 1_000_000))], /trunc\.bin: truncated/],
    ['a library that is not a library', () => ['--audio', speech, '--library', bad('libfake.so', 'not an ELF')], /libfake\.so: cannot be loaded/],
    ['a shared library that is not whisper', () => ['--audio', speech, '--library', '/lib/x86_64-linux-gnu/libz.so.1'], /libz\.so\.1: does not export whisper_version/],
    ['an unknown backend', () => ['--audio', speech, '--backend', 'nope'], /nope: unknown backend/],
  ])('%s gives exit 2 and one clear line', async (_what, args, message) => {
    const a = args();
    const r = await cli('transcribe', ...(a.includes('--backend') ? [] : ['--backend', 'cpu-fp32']), ...a);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('compare exits 1 with per-case alignments when the engines disagree', async () => {
    const out = join(tmp, 'cmp.json');
    const r = await cli('compare', '--backend', 'cpu-fp32', '--model', PARITY_MODELS.otherSeedFp32, '--baseline', 'cpu-fp32', '--audio', join(FIXTURE_DIR, 'audio/speech-03.wav'), '--output', out);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL speech-03/);
    expect(r.stdout).toMatch(/REF: .*\n.*HYP: /);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.passed).toBe(false);
    expect(report.corpus.wer).toBeGreaterThan(0);
  });

  it('score --json reports sclite-style counts', async () => {
    const ref = bad('ref.trn', 'the cat sat on the mat (u1)\nhello world (u2)\n');
    const hyp = bad('hyp.trn', 'the cat sat mat (u1)\nhello there world (u2)\n');
    const r = await cli('score', '--ref', ref, '--hyp', hyp, '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ hits: 6, substitutions: 0, deletions: 2, insertions: 1, refWords: 8 });
  });

  it('normalize reads stdin line by line', async () => {
    const r = await execa('node', [BIN, 'normalize', '--mode', 'english'], { input: "It's twenty five dollars.\nMr. Smith's colour\n" });
    expect(r.stdout).toBe('it is $25\nmister smith is color');
  });
});
