import { execFileSync } from 'node:child_process';
import { generateFixtures } from '../../fixtures/generate.ts';

const ENSURE_TOOLS = new URL('../../bin/ensure-test-tools.sh', import.meta.url).pathname;

/**
 * Before any test file: the Debian tools the suites use (one list, in bin/ensure-test-tools.sh,
 * which `npm test` also runs; here for `npx vitest` run directly), then the fixtures and parity
 * models, generated or found cached.
 */
export default async function setup(): Promise<void> {
  try {
    execFileSync('bash', [ENSURE_TOOLS], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    // the script has printed which packages and the command that installs them
    throw new Error(`missing Debian tools for the test suites (see above; ${ENSURE_TOOLS})`);
  }
  await generateFixtures();
}
