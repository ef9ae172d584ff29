import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';

let pkgVersion: string | undefined;
function packageVersion(): string {
  pkgVersion ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return pkgVersion;
}

function gitCommit(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: new URL('../..', import.meta.url), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    // a result from uncommitted code must say so: the commit alone would not reproduce it
    return `${git('rev-parse', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '-dirty' : ''}`;
  } catch {
    return null;
  }
}

/** What produced a result, on the host side; backends add their own (library, model hash, flags). */
export function environmentRecord() {
  const cpu = cpus();
  return {
    asrParity: packageVersion(),
    commit: gitCommit(),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cpuCount: cpu.length,
    totalMemoryBytes: totalmem(),
    date: new Date().toISOString(),
  };
}
