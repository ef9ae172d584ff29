import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

const OPTIONS = { allErrors: false, useDefaults: true, strict: true, strictRequired: false, allowUnionTypes: true } as const;
const compiled = new Map<string, ValidateFunction>();
const require = createRequire(import.meta.url);

/**
 * Compiled validators are kept as ajv's standalone code in dist/schemas/, keyed by the schema's
 * text, ajv's version, the options and the definitions asked for: loading ajv and compiling a
 * schema took most of a `normalize` or `score` start (every command validates its config), and
 * most of an isolated backend process's start (the worker protocol). A changed schema or ajv
 * has another key, so it is compiled afresh, never served stale; an unwritable dist/ only
 * means compiling on every start.
 */
const CACHE = fileURLToPath(new URL('../../dist/schemas/', import.meta.url));

function cacheFile(name: string, text: string, defs: readonly string[] = []): string {
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const key = createHash('sha256').update(`${ajvVersion}\0${JSON.stringify(OPTIONS)}\0${defs.join(',')}\0${text}`).digest('hex').slice(0, 20);
  return join(CACHE, `${name}-${key}.cjs`);
}

/** Compiles the whole schema, or (with `defs`) one validator per named $defs entry, and keeps the standalone code in `file`. */
function compileAndKeep(text: string, file: string, defs?: readonly string[]): ValidateFunction | Record<string, ValidateFunction> {
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const standaloneCode = (require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default;
  const ajv = new Ajv2020({ ...OPTIONS, code: { source: true } });
  let out: ValidateFunction | Record<string, ValidateFunction>;
  let code: string;
  if (defs) {
    const id = (JSON.parse(text) as { $id?: string }).$id ?? 'schema';
    ajv.addSchema(JSON.parse(text) as object, id);
    const refs = Object.fromEntries(defs.map((d) => [d, `${id}#/$defs/${d}`]));
    out = Object.fromEntries(defs.map((d) => {
      const v = ajv.getSchema(refs[d]!);
      if (!v) throw new Error(`${id} has no $defs/${d}`);
      return [d, v];
    }));
    code = standaloneCode(ajv, refs);
  } else {
    out = ajv.compile(JSON.parse(text) as object);
    code = standaloneCode(ajv, out);
  }
  try {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch {
    // a read-only checkout validates all the same
  }
  return out;
}

function validatorOf(key: string, name: string, text: () => string): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    const t = text();
    const file = cacheFile(name, t);
    try {
      v = require(file) as ValidateFunction;
    } catch {
      v = compileAndKeep(t, file) as ValidateFunction;
    }
    compiled.set(key, v);
  }
  return v;
}

/** The validator for a JSON Schema shipped with the package: compiled once, then reused from dist/schemas/ while the schema is unchanged. */
export function schemaValidator(url: URL): ValidateFunction {
  return validatorOf(url.href, basename(fileURLToPath(url), '.json'), () => readFileSync(url, 'utf8'));
}

/** The validator for a schema built in code (a backend's config fields), cached the same way, keyed by its text. */
export function schemaValidatorFor(name: string, schema: object): ValidateFunction {
  const text = JSON.stringify(schema);
  return validatorOf(`${name}\0${text}`, name.replace(/[^A-Za-z0-9._-]/g, '_'), () => text);
}

/** One validator per named entry of a schema's $defs (the worker protocol's message kinds), kept as schemaValidatorFor's are. */
export function schemaDefValidators<K extends string>(name: string, schema: object, defs: readonly K[]): Record<K, ValidateFunction> {
  const text = JSON.stringify(schema);
  const file = cacheFile(name, text, defs);
  try {
    return require(file) as Record<K, ValidateFunction>;
  } catch {
    return compileAndKeep(text, file, defs) as Record<K, ValidateFunction>;
  }
}

/** "field /backends/0/threads must be >= 1": the first error, naming the field. */
export function describeSchemaError(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'does not match the schema';
  const field = e.instancePath || '(top level)';
  if (e.keyword === 'additionalProperties') return `field ${field}/${String(e.params.additionalProperty)} is not allowed`;
  if (e.keyword === 'required') return `field ${field}/${String(e.params.missingProperty)} is missing`;
  if (e.keyword === 'enum') return `field ${field} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return `field ${field} ${e.message ?? 'is invalid'}`;
}
