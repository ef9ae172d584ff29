import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, longest first (measured on a fresh clone, 2 cores): vitest orders
 * files by their last run's duration, but a fresh clone has no last run and it falls back to file
 * size, which put the 43-case accuracy gate (a short file, a minute of work) last, alone on the
 * cores for most of a minute. Started first, it overlaps the many short files instead.
 */
const LONGEST_FIRST = [
  'suites/accuracy.test.ts',
  'suites/gate-verdict.test.ts',
  'suites/cli.test.ts',
  'suites/hostile-input.test.ts',
  'harness/isolate/isolated-backend.test.ts',
  'backends/worker/worker.test.ts',
  'suites/case-failures.test.ts',
  'suites/typecheck.test.ts',
  'suites/gate-teeth.test.ts',
  'suites/hf-checkpoint.test.ts',
  'suites/gate-inputs.test.ts',
  'harness/audio/corpus/corpus-formats.test.ts',
  'harness/run/baseline-cache.test.ts',
];

export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(relative(this.ctx.config.root, f.moduleId));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    // within a project and its group order only: the performance group still runs last
    const key = (f: TestSpecification) => `${f.project.config.sequence.groupOrder}\0${f.project.name}`;
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => (key(a.f) === key(b.f) ? rank(a.f) - rank(b.f) || a.i - b.i : a.i - b.i))
      .map((x) => x.f);
  }
}
