import { FIXTURE_DIR } from '../io/default-paths.ts';
import { progress, progressDone } from './terminal.ts';

/**
 * The CLI's one door to fixtures/: the generator of the test model and fixture audio (the
 * `fixtures` command, and a command's first use). Imported only when something must be made,
 * so no other command loads eSpeak-NG or the model builder (suites/architecture.test.ts).
 */
const generator = () => import('../../fixtures/generate.ts');

/** The generated parity model and fixtures are the defaults: made on first use, so a newcomer's first command works. */
export async function ensureFixtures(): Promise<void> {
  const { fixturesReady, generateFixtures } = await generator();
  if (fixturesReady()) return;
  process.stderr.write(`asr-parity: first use: generating the test model and fixtures in ${FIXTURE_DIR} (once, about 15 s)\n`);
  await generateFixtures((m) => progress(m));
  progressDone();
}

/** `asr-parity fixtures`: generate (or find cached) everything, with a progress line per step unless quiet. */
export async function generateFixturesCommand(quiet: boolean): Promise<void> {
  const { generateFixtures } = await generator();
  await generateFixtures(quiet ? () => {} : (m) => process.stderr.write(`${m}\n`));
}
