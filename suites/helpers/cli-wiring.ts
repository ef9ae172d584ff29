import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { importGraph, importsOf, sourceFiles } from './import-graph.ts';

/**
 * What keeps harness/cli/main.ts a file that only wires commands (issue 13): it loads nothing but
 * commander, the option parsers, terminal output, the exit codes, the config and the constants
 * its help text quotes; each command's one file under commands/ is imported lazily by exactly one
 * action, and by nothing else; and it has no loop, where domain work would start.
 */
export const MAIN = 'harness/cli/main.ts';
export const COMMANDS = 'harness/cli/commands';

/** Static imports main.ts may have: what the definitions and the error mapping need at start-up. */
export const MAIN_MAY_IMPORT: readonly string[] = [
  'harness/cli/exit-codes.ts',
  'harness/cli/option-parsers.ts',
  'harness/cli/terminal.ts',
  'harness/config/load-config.ts',
  // constants quoted in help text: the minimum runs, the normalizer names, the corpus formats
  'harness/bench/latency-stats.ts',
  'harness/config/normalizer-names.ts',
  // the thresholds' flags, help and defaults: one table
  'harness/config/threshold-table.ts',
  // the report formats' flags and help: a map of plain entries, each importing its renderer only when it renders
  'harness/report/formats/index.ts',
  'harness/audio/corpus/format-names.ts',
  'harness/errors.ts',
];

/** Besides the command files, what main.ts may load lazily: the help examples and the fixture generator's door. */
export const MAIN_MAY_LOAD: readonly string[] = ['harness/cli/help-examples.ts', 'harness/cli/fixture-generation.ts'];

export const MAIN_PACKAGES: readonly string[] = ['commander'];

const LOOPS = new Set([ts.SyntaxKind.ForStatement, ts.SyntaxKind.ForOfStatement, ts.SyntaxKind.ForInStatement, ts.SyntaxKind.WhileStatement, ts.SyntaxKind.DoStatement]);

/** Every way the tree under `root` breaks the rules above, one line each naming the file and what to do; empty when it keeps them. */
export function cliWiringProblems(root: string): string[] {
  const problems: string[] = [];
  const text = readFileSync(join(root, MAIN), 'utf8');
  const sf = ts.createSourceFile(MAIN, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (!spec.startsWith('.') && !MAIN_PACKAGES.includes(spec)) problems.push(`${MAIN}:${line(node)} imports the package ${spec}: a command file imports what its command needs`);
    }
    if (LOOPS.has(node.kind)) problems.push(`${MAIN}:${line(node)} has a loop: the work belongs in the stage a command file calls, not in the wiring`);
    ts.forEachChild(node, visit);
  };
  visit(sf);

  const edges = importsOf(root, MAIN);
  const isCommand = (p: string) => p.startsWith(`${COMMANDS}/`);
  for (const e of edges) {
    if (!e.dynamic && !MAIN_MAY_IMPORT.includes(e.to)) problems.push(`${MAIN} imports ${e.to} at start-up: import it lazily from a command file under ${COMMANDS}/ (so --help does not load it)`);
    if (e.dynamic && !isCommand(e.to) && !MAIN_MAY_LOAD.includes(e.to)) problems.push(`${MAIN} loads ${e.to}: an action loads only its command's file under ${COMMANDS}/, which calls the stage that does the work`);
  }
  const commands = sourceFiles(root, [COMMANDS]);
  const loaded = edges.filter((e) => e.dynamic && isCommand(e.to)).map((e) => e.to);
  for (const c of commands) {
    const n = loaded.filter((to) => to === c).length;
    if (n !== 1) problems.push(`${c} is loaded by ${n} actions of ${MAIN}: one file per command, loaded by that command's action`);
  }
  for (const to of new Set(loaded)) if (!commands.includes(to)) problems.push(`${MAIN} loads ${to}, which does not exist`);
  // only harness/cli: a module below it importing a command would point up a layer, which suites/architecture.test.ts refuses
  for (const e of importGraph(root, ['harness/cli'])) {
    if (isCommand(e.to) && e.from !== MAIN) problems.push(`${e.from} imports the command file ${e.to}: what two commands share belongs in a stage or a helper of harness/cli/`);
  }
  return problems;
}
