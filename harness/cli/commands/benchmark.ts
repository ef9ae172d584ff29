import { loadAudio } from '../../audio/load-audio.ts';
import { measurePerformance } from '../../bench/measure-performance.ts';
import type { Config } from '../../config/load-config.ts';
import { formatDrift, formatPercentile } from '../../report/format-latency.ts';
import { writeReportFiles } from '../../report/report-file.ts';
import { performanceWarnings } from '../../report/report-view.ts';
import { benchmarkReport } from '../../run/benchmark-report.ts';
import { planOneFromFlags, type BackendFlags } from '../../run/plan-from-flags.ts';
import { print, progress, progressDone } from '../terminal.ts';

/** `asr-parity benchmark`: latency of repeated transcriptions of one file; --output writes it as a report of the performance check. */
export async function run(o: BackendFlags & { backend: string; audio: string; numRuns: number; output?: string }, config: Config): Promise<void> {
  const audio = await loadAudio(o.audio);
  const p = await planOneFromFlags(config, o.backend, o);
  const iso = config.isolation;
  const r = await measurePerformance(p, { audio, shortAudio: audio, runs: o.numRuns, progress, isolation: iso.enabled ? iso : undefined });
  progressDone();
  const perf = r.performance;
  const l = perf.latencyMs;
  print(`${o.backend}: load ${perf.loadMs.toFixed(0)} ms, first call ${perf.firstCallMs.toFixed(0)} ms, ${l.runs} runs mean ${l.mean.toFixed(1)} ms (stdev ${l.stdev.toFixed(1)}), P50 ${formatPercentile(l, 'p50')}, P90 ${formatPercentile(l, 'p90')}, P99 ${formatPercentile(l, 'p99')}, drift ${formatDrift(l)}, RTF ${perf.rtf.toFixed(4)} on ${audio.duration.toFixed(1)} s`);
  for (const w of performanceWarnings(o.backend, perf)) print(w);
  if (o.output) await writeReportFiles(await benchmarkReport(config, p, r, o.audio), { json: o.output });
}
