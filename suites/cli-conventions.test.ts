import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { create } from 'xmlbuilder2';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { addExamples, EXAMPLES } from '../harness/cli/help-examples.ts';
import { writeStarterConfig as initCommand } from '../harness/config/starter-config.ts';
import { loadConfig } from '../harness/config/load-config.ts';
import { optionsOf } from '../harness/load/resolve-backend.ts';
import { backends } from '../backends/index.ts';
import { cpuEngine } from '../backends/whisper-cpp/engine/cpu-engine.ts';
import { UsageError } from '../harness/errors.ts';
import cpuFp16 from '../backends/cpu-fp16.ts';
import { FIXTURE_DIR } from '../fixtures/generate.ts';
import { loadAudio } from '../harness/audio/load-audio.ts';
import { measurePerformance } from '../harness/bench/measure-performance.ts';
import { benchmarkReport } from '../harness/run/benchmark-report.ts';
import { readReport } from '../harness/report/report-file.ts';
import { planBackends } from '../harness/run/plan-backends.ts';

const BIN = resolve(import.meta.dirname, '../bin/asr-parity.mjs');
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, stdin: 'ignore' });
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-conventions-'));
const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8')) as { version: string };

describe('--version and --help', () => {
  it('--version prints the package version and the whisper.cpp engine the CPU backends load', async () => {
    const r = await cli('--version');
    expect(r.exitCode, r.stderr).toBe(0);
    const [first, engine] = r.stdout.split('\n');
    expect(first).toBe(`asr-parity ${pkg.version}`);
    const e = cpuEngine();
    expect(engine).toContain(e.build === 'simd' ? `SIMD build of ${e.facts.engineSource}` : `prebuilt ${e.facts.engineSource}`);
  });

  it('every command has examples, and --help shows them', async () => {
    const top = await cli('--help');
    expect(top.exitCode).toBe(0);
    const commands = [...top.stdout.split('Commands:')[1]!.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThan(10);
    for (const c of commands) {
      expect(EXAMPLES[c], `no examples for ${c}`).toBeDefined();
      // an example runs the command it is listed under (or its npm script)
      for (const line of EXAMPLES[c]!) expect(line).toMatch(new RegExp(`(^|\\| )asr-parity (--config \\S+ )?${c}\\b|^npm run `));
    }
    expect(top.stdout).toMatch(/Examples:\n {2}\$ asr-parity init/);
    // a command's own help, without another process: addExamples on a program with that command
    const program = new Command('asr-parity').exitOverride();
    let out = '';
    program.command('init').configureOutput({ writeOut: (t) => (out += t) });
    addExamples(program);
    program.commands[0]!.outputHelp();
    expect(out).toContain(`Examples:\n  $ ${EXAMPLES.init![0]}`);
  });
});

describe('init', () => {
  it('writes a starter config that loads, with its notes dropped and model paths relative to it', () => {
    const out = join(tmp, 'asr-parity.config.json');
    initCommand({ output: out, deviceBackend: 'cann-fp16', model: join(tmp, 'models/f16.bin'), baselineModel: join(tmp, 'models/f32.bin') });
    const raw = JSON.parse(readFileSync(out, 'utf8'));
    expect(raw.$comment.length).toBeGreaterThan(0);
    expect(raw.backends[0]).toMatchObject({ backend: 'cann-fp16', model: 'models/f16.bin' });
    const c = loadConfig(out);
    // paths are the backend's fields: resolved against the config's folder when the entry meets its backend
    expect(c.baseline).toMatchObject({ backend: 'cpu-fp32', model: 'models/f32.bin' });
    expect(optionsOf(c.baseline, backends['cpu-fp32']!, out)).toMatchObject({ model: join(tmp, 'models/f32.bin') });
    expect(c.backends).toEqual([expect.objectContaining({ backend: 'cann-fp16' })]);
    expect(optionsOf(c.backends[0]!, backends['cann-fp16']!, out)).toMatchObject({ model: join(tmp, 'models/f16.bin') });
    expect(c.backends[0]!.optional).toBe(false);
    expect(JSON.stringify(c)).not.toContain('$comment');
  });

  it('refuses to overwrite a file without --force', () => {
    const out = join(tmp, 'mine.json');
    writeFileSync(out, '{"backends": [{"backend": "cpu-fp16"}]}\n');
    expect(() => initCommand({ output: out, deviceBackend: 'cpu-fp16' })).toThrow(UsageError);
    expect(readFileSync(out, 'utf8')).toBe('{"backends": [{"backend": "cpu-fp16"}]}\n');
    initCommand({ output: out, deviceBackend: 'cpu-fp16', force: true });
    expect(loadConfig(out).backends[0]!.backend).toBe('cpu-fp16');
  });

  it('performance.runs below 5 is refused naming the field; 5 is accepted (fewer warm runs cannot bound even the median)', () => {
    const at = (runs: number) => {
      const out = join(tmp, `runs-${runs}.json`);
      writeFileSync(out, JSON.stringify({ backends: [{ backend: 'cpu-fp16' }], performance: { runs } }));
      return out;
    };
    expect(() => loadConfig(at(4)), 'config.schema.json: performance.runs must have minimum 5').toThrow(/performance.*runs.*>= 5/);
    expect(loadConfig(at(5)).performance.runs).toBe(5);
  });

  it('a config with "$comment" where the schema does not allow one is still refused', () => {
    const out = join(tmp, 'bad-comment.json');
    writeFileSync(out, JSON.stringify({ backends: [{ backend: 'cpu-fp16' }], $comment: 42 }));
    expect(() => loadConfig(out)).toThrow(/\$comment/);
  });
});

describe('eval-accuracy into a log file: progress while it runs, CSV and JUnit that agree with the report', () => {
  it('writes progress lines before it exits, and every output agrees with the report', async () => {
    const [json, csv, junit, md] = ['r.json', 'cases.csv', 'junit.xml', 'r.md'].map((f) => join(tmp, f));
    // stderr is a pipe, not a terminal: what `eval-accuracy > log.txt 2>&1` gets
    const child = execa('node', [BIN, 'eval-accuracy', '--backend', 'cpu-fp16', '--num-test-cases', '2', '--evidence', 'point', '--output', json!, '--csv', csv!, '--junit', junit!, '--markdown', md!], { reject: false, stdin: 'ignore' });
    let progressWhileRunning = false;
    let stdoutSoFar = '';
    child.stdout!.on('data', (d: Buffer) => (stdoutSoFar += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      // a progress line seen while the process has not exited and has not printed its verdict
      if (/^progress: cpu-fp32: 1\/2 .*\(step 1 of 2, elapsed/m.test(d.toString()) && child.exitCode === null && !stdoutSoFar.includes('verdict:')) progressWhileRunning = true;
    });
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(progressWhileRunning, r.stderr).toBe(true);
    expect(r.stderr).toMatch(/^progress: cpu-fp16: 2\/2 .*\(step 2 of 2, elapsed \d+ s, ETA \d+ s\)$/m);

    const report = readReport(json!);
    const cases = report.backends.find((b) => b.name === 'cpu-fp16')!.accuracy!.cases;
    const rows = readFileSync(csv!, 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^backend,case,audio,audio_format,kind,audio_seconds,passed,exact,wer,cer,/);
    expect(rows.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(cases.map((c) => `cpu-fp16,${c.id}`));

    const root = create(readFileSync(junit!, 'utf8')).root().node as unknown as Element;
    const suites = [...root.getElementsByTagName('testsuite')];
    expect(suites.map((s) => s.getAttribute('name'))).toEqual(['verdict', 'cpu-fp16 accuracy']);
    expect([...suites[1]!.getElementsByTagName('testcase')].map((t) => t.getAttribute('name'))).toEqual([...cases.map((c) => c.id), 'corpus']);
    expect(root.getAttribute('tests')).toBe(String(cases.length + 2));
    expect(root.getAttribute('failures')).toBe('0');
    // readReport is what `report` reads with: schema and all
    expect(readReport(json!).verdict).toBe('pass');
    // the HTML report beside the Markdown one (README: --markdown R.md also writes R.html)
    const html = join(tmp, 'r.html');
    expect(existsSync(html), 'eval-accuracy --markdown r.md must write r.html beside it').toBe(true);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*cpu-fp16/i);
  });
});

describe('benchmark --output', () => {
  it('is a report of the performance check, which `report` reads (it used to be refused: "schemaVersion is missing")', async () => {
    const audioPath = join(FIXTURE_DIR, 'audio/speech-01.wav');
    const audio = await loadAudio(audioPath);
    const config = loadConfig();
    const planned = (await planBackends({ ...config, backends: [{ name: 'cpu-fp16', backend: 'cpu-fp16' }] })).devices[0]!;
    expect(planned.backend).toBe(cpuFp16);
    const r = await measurePerformance(planned, { audio, shortAudio: audio, runs: 5 });
    const out = join(tmp, 'bench.json');
    writeFileSync(out, JSON.stringify(await benchmarkReport(config, planned, r, audioPath)));
    const back = readReport(out);
    expect(back.checks).toEqual(['performance']);
    expect(back.backends[0]!.performance!.latencyMs.runs).toBe(5);
    expect(back.config.fixtures).toBe(audioPath);
  });
});
