import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * `Same` is what keeps a result a lower layer declares as an interface equal to the report
 * schema's declaration of it (report-types.ts RESULTS_MATCH_THE_SCHEMA): compiled here against
 * shapes that differ in one field each, it must say false for every one, or a field added on one
 * side only would pass the type check unseen.
 */
const HERE = fileURLToPath(new URL('./schema-types.ts', import.meta.url));

const PROBE = `
import { Type, type Static } from '@sinclair/typebox';
import type { Same } from ${JSON.stringify(HERE)};
const S = Type.Object({ a: Type.Number(), b: Type.Optional(Type.String()), n: Type.Object({ x: Type.Number() }) });
type Schema = Static<typeof S>;
interface Exact { a: number; b?: string; n: { x: number } }
export const exact: Same<Schema, Exact> = true;
export const oneMoreOptional: Same<Schema, Exact & { c?: boolean }> = false;
export const oneMoreOptionalInterface: Same<Schema, { a: number; b?: string; c?: boolean; n: { x: number } }> = false;
export const nestedMoreOptional: Same<Schema, { a: number; b?: string; n: { x: number; y?: number } }> = false;
export const madeRequired: Same<Schema, { a: number; b: string; n: { x: number } }> = false;
export const dropped: Same<Schema, { a: number; n: { x: number } }> = false;
export const widened: Same<Schema, { a: number | null; b?: string; n: { x: number } }> = false;
`;

describe('Same, the check that an interface and a schema declare one shape', () => {
  it('is true for the same shape and false for a field added, dropped, made required or widened on one side, nested too', () => {
    const probe = fileURLToPath(new URL('./schema-types.probe.ts', import.meta.url));
    const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, allowImportingTsExtensions: true, types: [] };
    const host = ts.createCompilerHost(options);
    const read = host.readFile.bind(host);
    host.readFile = (f) => (f === probe ? PROBE : read(f));
    const exists = host.fileExists.bind(host);
    host.fileExists = (f) => f === probe || exists(f);
    const program = ts.createProgram([probe], options, host);
    const problems = ts.getPreEmitDiagnostics(program, program.getSourceFile(probe)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
    expect(program.getSourceFile(probe), 'the probe was compiled').toBeDefined();
  }, 60_000);
});
