import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One import of one file: both ends relative to the repository root, with forward slashes. */
export interface ImportEdge {
  from: string;
  to: string;
  /** `import type` / `export type`: erased at run time, but still a dependency of the design. */
  typeOnly: boolean;
  /** `import('...')`: loaded on demand, still a dependency. */
  dynamic: boolean;
}

const SOURCE = /\.(ts|mts|mjs|js)$/;

/** The source files under the given folders (not tests, not declarations, not generated output). */
export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name === 'generated' || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (SOURCE.test(name) && !name.endsWith('.d.ts') && !/\.test\.[mc]?[jt]s$/.test(name)) out.push(relative(root, p).split(sep).join('/'));
    }
  };
  for (const f of folders) walk(join(root, f));
  return out;
}

/**
 * The relative imports of one file, read with the TypeScript compiler's parser (the one `tsc`
 * uses, already a dependency: no second parser to disagree with it): static imports, re-exports
 * and `import()` calls with a literal path. Package imports are not edges of our graph. Paths built
 * at run time (the backend registry's directory scan, `new URL(..., import.meta.url)`) cannot be
 * seen by any static reader; ARCHITECTURE.md names them.
 */
export function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(join(root, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const edges: ImportEdge[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean, dynamic: boolean) => {
    if (!spec || !ts.isStringLiteralLike(spec) || !spec.text.startsWith('.')) return;
    const to = relative(root, resolve(root, dirname(file), spec.text)).split(sep).join('/');
    edges.push({ from: file, to, typeOnly, dynamic });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      // `import { type A, type B }` is as erased as `import type { A, B }`
      const allTypeNamed = Boolean(c && !c.name && c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier, Boolean(c?.isTypeOnly) || allTypeNamed, false);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

/** Every relative import of every source file under the folders. */
export function importGraph(root: string, folders: readonly string[]): ImportEdge[] {
  return sourceFiles(root, folders).flatMap((f) => importsOf(root, f));
}
