import { loadAudio } from '../../audio/load-audio.ts';
import { soakLoadCycles, soakTranscriptions } from '../../bench/soak.ts';
import { soakVerdict } from '../../bench/soak-verdict.ts';
import type { Config } from '../../config/load-config.ts';
import { FIXTURE_DIR } from '../../io/default-paths.ts';
import { environmentRecord } from '../../report/environment.ts';
import { writeFileAtomic } from '../../report/write-atomic.ts';
import { planOneFromFlags, type BackendFlags } from '../../run/plan-from-flags.ts';
import { EXIT } from '../exit-codes.ts';
import { print, progress, progressDone } from '../terminal.ts';

/** `asr-parity soak`: consecutive transcriptions, then load/free cycles (harness/bench/soak.ts); exit 1 when RSS climbs or descriptors leak (soak-verdict.ts). */
export async function run(o: BackendFlags & { backend: string; audio?: string; runs: number; cycles: number; maxSlopeMb: number; output?: string }, config: Config): Promise<void> {
  const audio = await loadAudio(o.audio ?? `${FIXTURE_DIR}/audio/speech-01.wav`);
  const p = await planOneFromFlags(config, o.backend, o);
  const results = [await soakTranscriptions(p.backend, p.options, audio, o.runs, 2, progress), await soakLoadCycles(p.backend, p.options, o.cycles, 10, progress)];
  progressDone();
  const v = soakVerdict(results, o.maxSlopeMb);
  for (const { result: r, growthMb: mb, slopeMb, trailMb } of v.parts) {
    print(`${r.what}: ${r.iterations} after ${r.warmup} warm-up, RSS ${mb >= 0 ? '+' : ''}${mb.toFixed(1)} MB (trail ${trailMb.map((x) => x.toFixed(0)).join(' ')} MB), slope ${slopeMb.toFixed(3)} MB/iteration over the last half, fds ${r.fdsStart} -> ${r.fdsEnd}`);
  }
  if (o.output) writeFileAtomic(o.output, `${JSON.stringify({ kind: 'soak', backend: o.backend, maxSlopeMb: o.maxSlopeMb, results, machine: environmentRecord() }, null, 2)}\n`);
  if (v.failed) {
    print(`FAIL: RSS climbing faster than ${o.maxSlopeMb} MB per iteration, or descriptors leaked`);
    process.exitCode = EXIT.failed;
  }
}
