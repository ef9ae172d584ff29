import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { environmentRecord } from '../../report/environment.ts';
import { writeFileAtomic } from '../../report/write-atomic.ts';
import { print, progress, progressDone } from '../terminal.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface BenchFlags {
  only: string[];
  quick?: boolean;
  sizes?: number[];
  cer: boolean;
  startupRuns?: number;
  output: string;
}

/**
 * `asr-parity bench` (npm run bench): CLI start-up against `node -e 0` (harness/bench/startup-bench.ts),
 * `score` against sclite on generated 10,000- and 100,000-utterance trn pairs (score-bench.ts), and
 * the engine benchmark (engine-bench, in a process of its own), side by side in one run, all in one
 * JSON file (written after each section, so a partial run keeps what it measured). Not a test:
 * figures are recorded, nothing is asserted against a clock.
 */
export async function run(o: BenchFlags): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'asr-parity-bench-'));
  const hasSclite = spawnSync('sctk', ['sclite'], { stdio: 'ignore' }).error === undefined;
  const out: Record<string, unknown> = { command: `asr-parity ${process.argv.slice(2).join(' ')}`, date: new Date().toISOString(), loadAverage: loadavg(), machine: environmentRecord() };
  const save = () => {
    mkdirSync(join(o.output, '..'), { recursive: true });
    writeFileAtomic(o.output, `${JSON.stringify(out, null, 2)}\n`);
  };
  try {
    if (o.only.includes('startup')) {
      const { startupBench } = await import('../../bench/startup-bench.ts');
      const rows = startupBench({ root: ROOT, scratch, runs: o.startupRuns ?? (o.quick ? 5 : 10), progress });
      progressDone();
      out.startup = rows;
      save();
      for (const r of rows) print(`start-up ${r.name}: ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU (${r.cpuRatioToNode.toFixed(1)}x node -e 0's CPU)`);
    }
    if (o.only.includes('score')) {
      const { scoreBench } = await import('../../bench/score-bench.ts');
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
}
