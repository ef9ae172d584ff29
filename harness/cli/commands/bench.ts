import { defaultThreads } from '../../../backends/whisper-cpp/whisper-cpp.ts';
import type { Config } from '../../config/load-config.ts';
import { runBenchSuite, type BenchSuiteOptions } from '../../run/bench-suite.ts';
import type { FullSizeRow } from '../../run/full-size-bench.ts';
import { ensureFixtures, ensureShapedModels } from '../fixture-generation.ts';
import { print, progress, progressDone } from '../terminal.ts';

export interface BenchFlags extends Omit<BenchSuiteOptions, 'command' | 'fullSize'> {
  /** full-size: the backends measured, and warm runs per backend over the defaults. */
  backends?: string[];
  runs?: Record<string, number>;
  threads?: number;
  /** scale: the case counts (default 100, 1,000, 10,000). */
  scaleSizes?: number[];
}

const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function fullSizeLine(r: FullSizeRow): string {
  if (r.status !== 'measured') return `full-size ${r.backend}: ${r.status}: ${r.reason}`;
  const p = r.performance;
  const l = p.latencyMs;
  const pct = (v: number | null) => (v === null ? 'n/a' : s1(v));
  const e = r.encoder;
  const enc = e.gflops === null ? `encoder n/a (${e.from})` : `encoder ${e.gflops.toFixed(1)} GFLOP/s${e.ofSgemmPeak === null ? '' : ` (${(100 * e.ofSgemmPeak).toFixed(0)}% of the SGEMM)`}`;
  return `full-size ${r.backend}: load ${s1(p.loadMs)}, first call ${s1(p.firstCallMs)}, ${l.runs} warm runs mean ${s1(l.mean)} (P50 ${pct(l.p50)}, P90 ${pct(l.p90)}), RTF ${p.rtf.toFixed(2)}, peak RSS ${(p.memory.hostPeakRssBytes / 2 ** 30).toFixed(2)} GiB, ${enc}; ${r.tokens ?? '?'} tokens: "${r.text}"`;
}

/** `asr-parity bench` (npm run bench): the benchmarks side by side in one JSON (harness/run/bench-suite.ts), a line per result. */
export async function run(o: BenchFlags, config: Config): Promise<void> {
  let fullSize: BenchSuiteOptions['fullSize'];
  if (o.only.includes('full-size')) {
    // the speech it runs on and the model pair, made here (the CLI is production's one door to fixtures/) if not cached
    await ensureFixtures();
    const { FULL_SIZE_BACKENDS, layoutFor } = await import('../../run/full-size-bench.ts');
    const backends = o.backends ?? [...FULL_SIZE_BACKENDS];
    // the f32 file always: the encoder's dimensions are read from it, and the transformers folder is converted from it
    const layouts = [...new Set(['f32' as const, ...backends.map(layoutFor)])];
    const models = await ensureShapedModels('distil-large-v3', layouts, (m) => process.stderr.write(`asr-parity: ${m}\n`));
    fullSize = { config, models, backends, runs: o.runs ?? {}, threads: o.threads ?? defaultThreads(), seconds: 30 };
  }
  // scale: the gate on the fixtures with the small generated model (made here if not cached)
  if (o.only.includes('scale')) await ensureFixtures();
  const scale = o.only.includes('scale') ? { config, sizes: o.scaleSizes ?? [100, 1000, 10_000] } : undefined;
  await runBenchSuite(
    { ...o, fullSize, scale, command: `asr-parity ${process.argv.slice(2).join(' ')}` },
    {
      progress,
      startup: (rows) => {
        progressDone();
        for (const r of rows) print(`start-up ${r.name}: ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU (${r.cpuRatioToNode.toFixed(1)}x node -e 0's CPU)`);
      },
      noSclite: () => process.stderr.write('asr-parity: sctk (NIST sclite) is not installed: score is timed without the comparison (apt-get install sctk)\n'),
      score: (r) => {
        progressDone();
        const f = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(3)}x`);
        print(`score ${r.utterances} utterances (${r.refWords} words): ours ${r.ours.cpuMs} ms CPU, ${r.ours.wallMs} ms wall (WER and CER); sclite words ${r.scliteWer?.cpuMs ?? 'n/a'} ms CPU, characters ${r.scliteCer?.cpuMs ?? 'n/a'} ms CPU; CPU ratio ${f(r.cpuRatio.toScliteWer)} of sclite's WER run, ${f(r.cpuRatio.toScliteWerAndCer)} of its WER and CER runs; same counts: WER ${r.identical.wer ?? 'n/a'}, CER ${r.identical.cer ?? 'n/a'}`);
      },
      scaleRow: (label, r) => {
        progressDone();
        const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
        print(`scale ${r.cases} cases (${label}): ${s1(r.wallMs)} wall, ${s1(r.inCallsMs)} in backend calls, gate overhead ${r.overheadMsPerCase.toFixed(2)} ms per case (writing the reports ${s1(r.writeMs)}); peak RSS ${r.peakRssMiB.toFixed(0)} MiB, heap after ${r.heapUsedMiB.toFixed(0)} MiB; report.json ${mib(r.bytes.json)}, REPORT.md ${mib(r.bytes.markdown)}, REPORT.html ${mib(r.bytes.html)}`);
      },
      fullSizeRow: (r, sgemm) => {
        progressDone();
        print(fullSizeLine(r));
        if ('unavailable' in sgemm) print(`full-size SGEMM peak: n/a (${sgemm.unavailable})`);
      },
    },
  );
  print(`written: ${o.output}`);
}
