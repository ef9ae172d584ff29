import { describe, it, type TestFunction } from 'vitest';

/**
 * The one way a test here skips (issue 24: no bare `skipIf`): the test is registered, shown as
 * skipped, with the reason in its name and as vitest's skip note, so every reporter and every
 * machine shows why. suites/visible-skips.test.ts refuses the other ways.
 */
export function skipped(name: string, reason: string): void {
  it(`${name} (skipped: ${reason})`, (ctx) => ctx.skip(reason));
}

/** `it(name, fn)`, or, when `skipReason` is a reason, the same test skipped visibly with it. */
export function itUnless(skipReason: string | false | undefined, name: string, fn: TestFunction, timeout?: number): void {
  if (skipReason) skipped(name, skipReason);
  else it(name, fn, timeout);
}

/** `describe(name, fn)`, or, when `skipReason` is a reason, one test in its place skipped visibly with it. */
export function describeUnless(skipReason: string | false | undefined, name: string, fn: () => void): void {
  if (skipReason) skipped(name, skipReason);
  else describe(name, fn);
}
