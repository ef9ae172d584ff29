import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a JavaScript module of the CLI's launcher, without type declarations
import { cachePath, compiledModule } from '../bin/ts/compile.mjs';

/**
 * The CLI and the isolated backends run TypeScript from its JavaScript build in dist/
 * (bin/ts/). The build must never run code older than its source: the suites that spawn the
 * CLI test whatever the source says now.
 */
const REGISTER = resolve(import.meta.dirname, '../bin/ts/register.mjs');
const dir = mkdtempSync(join(tmpdir(), 'asr-parity-jsbuild-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the JavaScript build', () => {
  it('runs a module as its source says now, after an edit, and reuses the build while the source is unchanged', async () => {
    const mod = join(dir, 'answer.ts');
    const main = join(dir, 'main.ts');
    writeFileSync(main, "import { answer } from './answer.ts';\nconst n: number = answer;\nprocess.stdout.write(String(n));\n");
    writeFileSync(mod, 'export const answer: number = 1;\n');
    const run = async () => (await execa('node', ['--import', REGISTER, main])).stdout;
    expect(await run()).toBe('1');
    writeFileSync(mod, 'export const answer: number = 2;\n');
    expect(await run()).toBe('2');
    // unchanged since the last run: served from dist/, not compiled again
    const again = (await compiledModule(mod)) as { fresh: boolean; code: string };
    expect(again.fresh).toBe(false);
    expect(again.code).toContain('answer = 2');
    expect(String(cachePath(mod))).toMatch(/dist/);
  });

  it('keeps import.meta.url at the source file, so assets beside it are found', async () => {
    const m = join(dir, 'where.ts');
    writeFileSync(m, 'process.stdout.write(new URL(import.meta.url).pathname);\n');
    expect((await execa('node', ['--import', REGISTER, m])).stdout).toBe(m);
  });
});
