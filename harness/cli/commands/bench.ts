import { runBenchSuite, type BenchSuiteOptions } from '../../run/bench-suite.ts';
import { print, progress, progressDone } from '../terminal.ts';

/** `asr-parity bench` (npm run bench): the benchmarks side by side in one JSON (harness/run/bench-suite.ts), a line per result. */
export async function run(o: Omit<BenchSuiteOptions, 'command'>): Promise<void> {
  await runBenchSuite(
    { ...o, command: `asr-parity ${process.argv.slice(2).join(' ')}` },
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
    },
  );
  print(`written: ${o.output}`);
}
