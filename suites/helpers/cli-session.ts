import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { FIXTURE_DIR } from '../../fixtures/generate.ts';

const BIN = resolve(import.meta.dirname, '../../bin/asr-parity.mjs');

/**
 * The CLI as a user runs it, from a fresh folder outside the repository: `cli(...args)` never
 * throws (the exit code is the test's to check), `config(name, body)` writes a config there,
 * `audio(name)` is a fixture's path.
 */
export function cliSession(prefix: string) {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, stdin: 'ignore', cwd: tmp });
  const config = (name: string, body: object) => {
    const f = join(tmp, name);
    writeFileSync(f, JSON.stringify(body));
    return f;
  };
  return { tmp, cli, config };
}

export const fixtureAudio = (name: string) => join(FIXTURE_DIR, 'audio', name);
export const lastLine = (s: string) => s.trim().split('\n').at(-1)!;
