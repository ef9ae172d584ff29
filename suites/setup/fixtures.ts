import { execFileSync } from 'node:child_process';
import { generateFixtures } from '../../fixtures/generate.ts';

/** Debian tools the suites compare against; missing ones fail the run up front with the command that fixes it. */
const TOOLS = [
  ['sctk', 'sctk'],
  ['flac', 'flac'],
  ['pocketsphinx_continuous', 'pocketsphinx pocketsphinx-en-us'],
  ['cc', 'gcc'],
] as const;

function onPath(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fixtures and parity models are generated (or found cached) once before any test file runs. */
export default async function setup(): Promise<void> {
  const missing = TOOLS.filter(([cmd]) => !onPath(cmd)).map(([, pkg]) => pkg);
  if (missing.length) throw new Error(`the test suites need Debian packages ${missing.join(', ')}: run \`apt-get install -y ${missing.join(' ')}\` (.ci/run does this)`);
  await generateFixtures();
}
