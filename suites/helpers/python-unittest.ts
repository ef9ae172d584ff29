import { execa } from 'execa';
import { expect } from 'vitest';

/** Runs `/usr/bin/python3 -m unittest discover -s dir`: every test passes and none is skipped (a skip there says why on stderr). */
export async function expectUnittestPasses(dir: string): Promise<void> {
  const r = await execa('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', dir, '-v'], { reject: false, env: { PYTHONDONTWRITEBYTECODE: '1' } });
  expect(r.exitCode, r.stderr.slice(-4000)).toBe(0);
  // unittest writes its summary to stderr
  expect(r.stderr).toMatch(/\nOK/);
  expect(r.stderr, 'a skipped Python test (generated models missing?)').not.toMatch(/skipped/);
}
