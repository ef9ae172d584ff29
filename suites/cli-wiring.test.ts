import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliWiringProblems, COMMANDS, MAIN } from './helpers/cli-wiring.ts';

/**
 * harness/cli/main.ts only wires commands: commander definitions and one lazy import of one
 * command file per action; the command files hand their flags to the stage that does the work.
 * The rules are in suites/helpers/cli-wiring.ts.
 */
const ROOT = resolve(import.meta.dirname, '..');

describe('the CLI wiring', () => {
  it('main.ts imports only its wiring, loads each command file from one action, and loops over nothing', () => {
    expect(cliWiringProblems(ROOT)).toEqual([]);
  });

  describe('the check itself, on a copy of harness/cli', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'asr-parity-wiring-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    cpSync(join(ROOT, 'harness/cli'), join(scratch, 'harness/cli'), { recursive: true });
    const main = readFileSync(join(ROOT, MAIN), 'utf8');

    it('passes the copy as it is (else the cases below prove nothing)', () => {
      expect(cliWiringProblems(scratch)).toEqual([]);
    });

    it('flags domain code grown into main.ts: a stage imported at start-up, a package, a loop, a module other than a command loaded', () => {
      writeFileSync(
        join(scratch, MAIN),
        [
          "import { mergeReports } from '../report/assemble-report.ts';",
          "import { readFileSync } from 'node:fs';",
          main,
          'for (const r of [mergeReports]) readFileSync(String(r));',
          "const later = () => import('../run/gate-run.ts');",
        ].join('\n'),
      );
      const p = cliWiringProblems(scratch);
      expect(p.some((x) => x.includes('imports harness/report/assemble-report.ts at start-up'))).toBe(true);
      expect(p.some((x) => x.includes('imports the package node:fs'))).toBe(true);
      expect(p.some((x) => x.includes('has a loop'))).toBe(true);
      expect(p.some((x) => x.includes('loads harness/run/gate-run.ts'))).toBe(true);
      writeFileSync(join(scratch, MAIN), main);
    });

    it('flags a command file no action loads, one loaded twice, and one imported by another command', () => {
      writeFileSync(join(scratch, COMMANDS, 'orphan.ts'), "import { run as other } from './report.ts';\nexport const run = other;\n");
      writeFileSync(join(scratch, MAIN), `${main}\nconst again = () => import('./commands/score.ts');\n`);
      const p = cliWiringProblems(scratch);
      expect(p).toContain(`${COMMANDS}/orphan.ts is loaded by 0 actions of ${MAIN}: one file per command, loaded by that command's action`);
      expect(p).toContain(`${COMMANDS}/score.ts is loaded by 2 actions of ${MAIN}: one file per command, loaded by that command's action`);
      expect(p.some((x) => x.startsWith(`${COMMANDS}/orphan.ts imports the command file ${COMMANDS}/report.ts`))).toBe(true);
      rmSync(join(scratch, COMMANDS, 'orphan.ts'));
      writeFileSync(join(scratch, MAIN), main);
    });
  });
});
