import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a JavaScript module of the CLI's launcher, without type declarations
import { buildBundle } from '../bin/ts/bundle.mjs';
// @ts-expect-error: a JavaScript module of the CLI's launcher, without type declarations
import { cachePath, compiledModule } from '../bin/ts/compile.mjs';

/**
 * The CLI and the isolated backends run TypeScript from its JavaScript build in dist/
 * (bin/ts/). The build must never run code older than its source: the suites that spawn the
 * CLI test whatever the source says now.
 */
const REGISTER = resolve(import.meta.dirname, '../bin/ts/register.mjs');
const LAUNCH = resolve(import.meta.dirname, '../bin/ts/launch.mjs');
const CLI = resolve(import.meta.dirname, '../bin/asr-parity.mjs');
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

/**
 * The bundle (bin/ts/bundle.mjs) starts the CLI and the backend workers without module hooks;
 * bin/ts/launch.mjs runs it only while it is current. A project of its own, so these tests
 * edit no file of the repository while other suites run its CLI.
 */
describe('the bundle', () => {
  const project = join(dir, 'project');
  const src = (f: string, text: string) => {
    mkdirSync(dirname(join(project, f)), { recursive: true });
    writeFileSync(join(project, f), text);
  };
  // says what it computed, where its modules ran from (a bundled chunk or the source), and reads a file beside its source
  src('main.ts', `import { answer } from './answer.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleUrl } from '${resolve(import.meta.dirname, '../harness/io/module-url.ts')}';
const plugin = (await import(moduleUrl(new URL('./plugins/one.ts', import.meta.url).pathname))).name as string;
const from = new Error().stack!.includes('/dist/bundle/') ? 'bundle' : 'source';
const asset = readFileSync(new URL('./asset.txt', import.meta.url), 'utf8').trim();
if (readFileSync(join(import.meta.dirname, 'asset.txt'), 'utf8').trim() !== asset || import.meta.filename !== join(import.meta.dirname, 'main.ts')) throw new Error('import.meta.dirname or filename is not the source file\\'s');
process.stdout.write([answer, plugin, asset, from].join(' '));
`);
  src('answer.ts', 'export const answer: number = 1;\n');
  src('asset.txt', 'asset-beside-source\n');
  src('plugins/one.ts', "export const name: string = 'one';\n");
  const build = () => buildBundle({ root: project, entries: ['main.ts'], discovered: ['plugins'] });
  const run = async () => {
    const r = await execa('node', ['--input-type=module', '-e', `const { launch } = await import(${JSON.stringify(LAUNCH)}); await launch(${JSON.stringify(join(project, 'main.ts'))}, [], ${JSON.stringify(project)});`], { env: { ASR_PARITY_LAUNCH_TRACE: '1' } });
    return { out: r.stdout, trace: r.stderr };
  };

  it('runs the edited source, never the bundle built before the edit, and the bundle again once rebuilt', async () => {
    await build();
    expect((await run()).out).toBe('1 one asset-beside-source bundle');
    writeFileSync(join(project, 'answer.ts'), 'export const answer: number = 2;\n');
    const stale = await run();
    expect(stale.out).toBe('2 one asset-beside-source source');
    expect(stale.trace).toContain('answer.ts changed since the build');
    await build();
    expect((await run()).out).toBe('2 one asset-beside-source bundle');
  });

  it('keeps a touched but unchanged source\'s bundle, and sets it aside when a module appears in a folder found at run time', async () => {
    await build();
    const later = new Date(Date.now() + 5000);
    utimesSync(join(project, 'answer.ts'), later, later);
    expect((await run()).out).toMatch(/ bundle$/);
    writeFileSync(join(project, 'plugins/two.ts'), "export const name: string = 'two';\n");
    const r = await run();
    expect(r.out).toMatch(/ source$/);
    expect(r.trace).toContain('plugins/ has other files');
    rmSync(join(project, 'plugins/two.ts'));
  });

  it('starts this repository\'s CLI from its bundle once built, and its stack traces name the TypeScript lines under --verbose', async () => {
    const built = (await buildBundle()) as { dir: string };
    // every backend the registry finds is in the bundle: a module outside it would be loaded a second time through the hooks
    const { entries } = JSON.parse(readFileSync(join(built.dir, '../current.json'), 'utf8')) as { entries: Record<string, string> };
    const { backendModules } = await import('../backends/index.ts');
    expect(Object.values(backendModules).length).toBeGreaterThan(0);
    for (const file of Object.values(backendModules)) expect(entries[relative(resolve(import.meta.dirname, '..'), file)], file).toBeDefined();
    const r = await execa('node', [CLI, '--version'], { env: { ASR_PARITY_LAUNCH_TRACE: '1' } });
    expect(r.stderr).toMatch(/asr-parity launch: bundle /);
    // a missing --config file is bad input: --verbose prints the error's stack
    const bad = await execa('node', [CLI, '--verbose', '--config', join(dir, 'missing.json'), 'backends'], { reject: false, env: { ASR_PARITY_LAUNCH_TRACE: '1' } });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/asr-parity launch: bundle /);
    expect(bad.stderr).toMatch(/harness\/config\/load-config\.ts:\d+/);
  });
});
