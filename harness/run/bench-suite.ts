import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScoreBenchSize } from '../bench/score-bench.ts';
import type { StartupRow } from '../bench/startup-bench.ts';
import type { FullSizeOptions, FullSizeResult, FullSizeRow } from './full-size-bench.ts';
import type { ScaleRow } from './scale-bench.ts';
import type { Config } from '../config/load-config.ts';
import { environmentRecord } from '../report/environment.ts';
import { writeFileAtomic } from '../report/write-atomic.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BenchSuiteOptions {
  /** Some of startup, score, engine. */
  only: readonly string[];
  quick?: boolean;
  sizes?: number[];
  cer: boolean;
  startupRuns?: number;
  output: string;
  /** How it was asked for, recorded in the JSON. */
  command: string;
  /** The full-size section's inputs (the CLI makes the models through the fixtures door). */
  fullSize?: Omit<FullSizeOptions, 'progress' | 'row'>;
  /** The scale section's config (its fixtures and the small model) and case counts. */
  scale?: { config: Config; sizes: readonly number[] };
}

/** What the caller shows as each section finishes. */
export interface BenchSuiteEvents {
  progress: (msg: string) => void;
  startup?: (rows: StartupRow[]) => void;
  score?: (r: ScoreBenchSize) => void;
  /** sctk is missing: score is timed without the comparison. */
  noSclite?: () => void;
  fullSizeRow?: (r: FullSizeRow, sgemm: FullSizeResult['sgemm']) => void;
  scaleRow?: (label: string, r: ScaleRow) => void;
}

/**
 * `asr-parity bench` (npm run bench): CLI start-up against `node -e 0`, `score` against sclite on
 * generated 10,000- and 100,000-utterance trn pairs, the engine benchmark (engine-bench, in a
 * process of its own), and, asked for by name, the full-size section (full-size-bench.ts) and the
 * gate's own cost at 100 to 10,000 cases (scale-bench.ts), side by side in one run, all in one JSON file written after each section,
 * so a partial run keeps what it measured. Not a test: figures are recorded, nothing is asserted
 * against a clock.
 */
export async function runBenchSuite(o: BenchSuiteOptions, on: BenchSuiteEvents): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'asr-parity-bench-'));
  const hasSclite = spawnSync('sctk', ['sclite'], { stdio: 'ignore' }).error === undefined;
  const out: Record<string, unknown> = { command: o.command, date: new Date().toISOString(), loadAverage: loadavg(), machine: environmentRecord() };
  const save = () => {
    mkdirSync(join(o.output, '..'), { recursive: true });
    writeFileAtomic(o.output, `${JSON.stringify(out, null, 2)}\n`);
  };
  try {
    if (o.only.includes('startup')) {
      const { startupBench } = await import('../bench/startup-bench.ts');
      const rows = startupBench({ root: ROOT, scratch, runs: o.startupRuns ?? (o.quick ? 5 : 10), progress: on.progress });
      out.startup = rows;
      save();
      on.startup?.(rows);
    }
    if (o.only.includes('score')) {
      const { scoreBench } = await import('../bench/score-bench.ts');
      if (!hasSclite) on.noSclite?.();
      const results = [];
      for (const n of o.sizes ?? (o.quick ? [10_000] : [10_000, 100_000])) {
        const r = scoreBench({ root: ROOT, scratch, utterances: n, cer: o.cer, sclite: hasSclite, progress: on.progress });
        results.push(r);
        out.score = results;
        save();
        on.score?.(r);
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
    if (o.only.includes('full-size')) {
      if (!o.fullSize) throw new Error('the full-size section needs its models');
      const { fullSizeBench } = await import('./full-size-bench.ts');
      const partial: FullSizeRow[] = [];
      out.fullSize = await fullSizeBench({
        ...o.fullSize,
        progress: on.progress,
        row: (r, sgemm) => {
          partial.push(r);
          out.fullSize = { partial: true, models: o.fullSize!.models, sgemm, rows: partial };
          save();
          on.fullSizeRow?.(r, sgemm);
        },
      });
      save();
    }
    if (o.only.includes('scale')) {
      if (!o.scale) throw new Error('the scale section needs its config');
      const { scaleBench } = await import('./scale-bench.ts');
      const r = await scaleBench(o.scale.config, { sizes: o.scale.sizes, progress: on.progress });
      out.scale = r;
      save();
      on.scaleRow?.('small model, engines timed', r.engine);
      for (const row of r.sizes) on.scaleRow?.('engines replayed', row);
    }
    // a loaded machine slows every figure: the load before (above) and after say how loaded
    out.loadAverageAfter = loadavg();
    save();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
