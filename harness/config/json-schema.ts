import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

const ajv = new Ajv2020({ allErrors: false, useDefaults: true, strict: true, strictRequired: false, allowUnionTypes: true });
const compiled = new Map<string, ValidateFunction>();

/** Compiles a JSON Schema shipped with the package, once. */
export function schemaValidator(url: URL): ValidateFunction {
  let v = compiled.get(url.href);
  if (!v) {
    v = ajv.compile(JSON.parse(readFileSync(url, 'utf8')) as object);
    compiled.set(url.href, v);
  }
  return v;
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
