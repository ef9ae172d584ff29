import { UsageError } from '../errors.ts';
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

/** What `fixtures --shape` can write: ggml in f32 or f16, or a transformers folder (f32). */
export type ShapedLayout = 'f32' | 'f16' | 'hf';

/** A shaped model's file or folder (`fixtures --shape`, `bench --only full-size`), with what it took to make. */
export interface ShapedModelFile {
  layout: ShapedLayout;
  path: string;
  bytes: number;
  made: boolean;
  writeMs: number;
  key: Record<string, unknown>;
}

/**
 * The parity model at a named shape, one file (or folder) per layout: written (streamed, with a
 * progress bar) unless an identical one is cached. An unknown shape is a usage error naming the known ones.
 */
export async function ensureShapedModels(shape: string, layouts: readonly ShapedLayout[], log: (msg: string) => void): Promise<ShapedModelFile[]> {
  const { ensureShapedModel, MODEL_SHAPES } = await generator();
  if (!Object.hasOwn(MODEL_SHAPES, shape)) throw new UsageError(`--shape ${shape}`, 'unknown model shape', `one of ${Object.keys(MODEL_SHAPES).join(', ')}`);
  const files: ShapedModelFile[] = [];
  for (const layout of layouts) {
    const m = ensureShapedModel({ shape: shape as keyof typeof MODEL_SHAPES, layout, progress });
    progressDone();
    const mib = `${Math.floor(m.bytes / 2 ** 20)} MiB`;
    log(m.made ? `wrote ${m.path} (${mib} in ${(m.writeMs / 1000).toFixed(1)} s)` : `up to date: ${m.path} (${mib})`);
    files.push({ layout, path: m.path, bytes: m.bytes, made: m.made, writeMs: m.writeMs, key: m.key });
  }
  return files;
}
