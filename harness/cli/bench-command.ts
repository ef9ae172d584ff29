import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { positiveInt } from './option-parsers.ts';
import { print, progress, progressDone } from './terminal.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECTIONS = ['startup', 'score', 'engine'] as const;

const sizes = (v: string) => {
  const xs = v.split(',').map((s) => Number(s.trim()));
  if (xs.some((x) => !Number.isInteger(x) || x < 1)) throw new Error(`--sizes takes utterance counts separated by commas, not "${v}"`);
  return xs;
};
const sections = (v: string) => {
  const xs = v.split(',').map((s) => s.trim());
  const bad = xs.filter((x) => !(SECTIONS as readonly string[]).includes(x));
  if (bad.length) throw new Error(`--only takes ${SECTIONS.join(', ')}, not "${bad.join(', ')}"`);
  return xs;
};

/**
 * `asr-parity bench` (npm run bench): CLI start-up against `node -e 0`, `score` against sclite on
 * generated 10,000- and 100,000-utterance trn pairs, and the engine benchmark (engine-bench), side
 * by side in one run, all in one JSON file (written after each section, so a partial run keeps
 * what it measured). Not a test: figures are recorded, nothing is asserted against a clock.
 */
export function addBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('benchmarks: CLI start-up vs node -e 0, score vs sctk sclite (10k and 100k utterances), engine-bench; writes JSON (npm run bench)')
    .option('--only <sections>', `comma-separated: ${SECTIONS.join(', ')}`, sections, [...SECTIONS])
    .option('--quick', 'a short run: 5 start-up rounds, score at 10,000 utterances only, engine-bench on 10 s of audio with 5 runs')
    .option('--sizes <list>', 'utterance counts for the score benchmark', sizes)
    .option('--no-cer', 'skip sclite\'s character alignment (sclite -c is slow and takes about 10 GB at 100,000 utterances)')
    .option('--startup-runs <n>', 'rounds of the start-up benchmark', positiveInt)
    .option('--output <file>', 'where to write the JSON', 'results/bench.json')
    .action(async (o: { only: string[]; quick?: boolean; sizes?: number[]; cer: boolean; startupRuns?: number; output: string }) => {
      const { environmentRecord } = await import('../report/environment.ts');
      const { writeFileAtomic } = await import('../report/write-atomic.ts');
      const scratch = mkdtempSync(join(tmpdir(), 'asr-parity-bench-'));
      const hasSclite = spawnSync('sctk', ['sclite'], { stdio: 'ignore' }).error === undefined;
      const out: Record<string, unknown> = { command: `asr-parity ${process.argv.slice(2).join(' ')}`, date: new Date().toISOString(), loadAverage: (await import('node:os')).loadavg(), machine: environmentRecord() };
      const save = () => {
        mkdirSync(join(o.output, '..'), { recursive: true });
        writeFileAtomic(o.output, `${JSON.stringify(out, null, 2)}\n`);
      };
      try {
        if (o.only.includes('startup')) {
          const { startupBench } = await import('../bench/startup-bench.ts');
          const rows = startupBench({ root: ROOT, scratch, runs: o.startupRuns ?? (o.quick ? 5 : 10), progress });
          progressDone();
          out.startup = rows;
          save();
          for (const r of rows) print(`start-up ${r.name}: ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU (${r.cpuRatioToNode.toFixed(1)}x node -e 0's CPU)`);
        }
        if (o.only.includes('score')) {
          const { scoreBench } = await import('../bench/score-bench.ts');
          if (!hasSclite) process.stderr.write('asr-parity: sctk (NIST sclite) is not installed: score is timed without the comparison (apt-get install sctk)\n');
          const results = [];
          for (const n of o.sizes ?? (o.quick ? [10_000] : [10_000, 100_000])) {
            const r = scoreBench({ root: ROOT, scratch, utterances: n, cer: o.cer, sclite: hasSclite, progress });
            progressDone();
            results.push(r);
            out.score = results;
            save();
            const f = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(3)}x`);
            print(`score ${n} utterances (${r.refWords} words): ours ${r.ours.cpuMs} ms CPU, ${r.ours.wallMs} ms wall (WER and CER); sclite words ${r.scliteWer?.cpuMs ?? 'n/a'} ms CPU, characters ${r.scliteCer?.cpuMs ?? 'n/a'} ms CPU; CPU ratio ${f(r.cpuRatio.toScliteWer)} of sclite's WER run, ${f(r.cpuRatio.toScliteWerAndCer)} of its WER and CER runs; same counts: WER ${r.identical.wer ?? 'n/a'}, CER ${r.identical.cer ?? 'n/a'}`);
          }
        }
        if (o.only.includes('engine')) {
          const file = join(scratch, 'engine.json');
          const args = [join(ROOT, 'bin/asr-parity.mjs'), 'engine-bench', '--output', file, ...(o.quick ? ['--duration', '10', '--num-runs', '5'] : [])];
          const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
          if (r.status !== 0) throw new Error(`engine-bench exited ${r.status}`);
          out.engine = JSON.parse(readFileSync(file, 'utf8'));
          save();
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      print(`written: ${o.output}`);
    });
}
