import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, timeChild } from './child-time.ts';

/**
 * How long `asr-parity` takes to start, against `node -e 0` (the floor no CLI can beat): each
 * command is run `runs` times, the commands taking turns (round-robin) so load from other
 * processes falls on all of them alike. Medians of wall and CPU time. The CLI and the isolated
 * backend worker start from the bundle (bin/ts/launch.mjs); the "module hooks" rows run the
 * same code module by module through the hooks, as every start did before the bundle (and as
 * a start does when a source changed since the build), and the tsx row through tsx's loader,
 * as every start did before the JavaScript build. A worker's row is its whole life when asked
 * one `hello` and then closed: the start a gate run pays before each isolated backend loads.
 */
export interface StartupRow {
  name: string;
  command: string;
  wallMs: number;
  cpuMs: number;
  /** CPU time over `node -e 0`'s. */
  cpuRatioToNode: number;
}

export function startupBench(o: { root: string; scratch: string; runs: number; progress?: (m: string) => void }): StartupRow[] {
  const ref = join(o.scratch, 'small-ref.trn');
  const hyp = join(o.scratch, 'small-hyp.trn');
  writeFileSync(ref, 'the cat sat on the mat (u1)\nhello world (u2)\n');
  writeFileSync(hyp, 'the cat sat on a mat (u1)\nhello word (u2)\n');
  const cli = join(o.root, 'bin/asr-parity.mjs');
  const node = process.execPath;
  const hooks = ['--import', pathToFileURL(join(o.root, 'bin/ts/register.mjs')).href];
  const worker = [join(o.root, 'harness/isolate/backend-worker.ts'), join(o.root, 'backends/cpu-fp32.ts')];
  const hello = '{"id":1,"op":"hello"}\n';
  const cases: { name: string; args: string[]; input?: string }[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'asr-parity --help', args: [cli, '--help'] },
    { name: 'asr-parity --version', args: [cli, '--version'] },
    { name: 'asr-parity normalize', args: [cli, 'normalize'], input: 'Twenty five dollars, please.\n' },
    { name: 'asr-parity score (2 utterances)', args: [cli, 'score', '--ref', ref, '--hyp', hyp] },
    { name: 'isolated backend worker (cpu-fp32), hello', args: [join(o.root, 'bin/ts/launch.mjs'), ...worker], input: hello },
    { name: 'asr-parity --help through the module hooks (the fallback when a source changed since the build)', args: [...hooks, join(o.root, 'harness/cli/main.ts'), '--help'] },
    { name: 'isolated backend worker through the module hooks (the same fallback)', args: [...hooks, ...worker], input: hello },
    { name: 'asr-parity --help through tsx (as before the build)', args: ['--import', 'tsx', join(o.root, 'harness/cli/main.ts'), '--help'] },
  ];
  const samples = cases.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let r = 0; r < o.runs; r++) {
    o.progress?.(`start-up: round ${r + 1} of ${o.runs}`);
    cases.forEach((c, i) => {
      const t = timeChild(node, c.args, { cwd: o.root, input: c.input ?? '' });
      if (t.status !== 0) throw new Error(`${c.name} exited ${t.status}: ${t.stderr.trim()}`);
      if (c.input === hello && !t.stdout.includes('"ok":true')) throw new Error(`${c.name} did not answer hello: ${t.stdout.trim()} ${t.stderr.trim()}`);
      samples[i]!.wall.push(t.wallMs);
      samples[i]!.cpu.push(t.cpuMs);
    });
  }
  const nodeCpu = median(samples[0]!.cpu);
  return cases.map((c, i) => {
    const cpuMs = median(samples[i]!.cpu);
    return { name: c.name, command: ['node', ...c.args].join(' '), wallMs: median(samples[i]!.wall), cpuMs, cpuRatioToNode: cpuMs / Math.max(nodeCpu, 1) };
  });
}
