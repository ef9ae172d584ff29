import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { PROTOCOL_SCHEMA } from '../../backends/worker/protocol-schema.ts';
import { CONFIG_SCHEMA } from '../config/config-schema.ts';
import { schemaJson } from '../io/schema-types.ts';
import { REPORT_SCHEMA } from '../report/report-schema.ts';

/**
 * The JSON Schema files people and other programs read (a config's "$schema", a worker written
 * in another language, a program reading report.json), each written from the one declaration the code validates with:
 * `npm run schemas` rewrites them, published-schemas.test.ts fails while one is stale.
 */
export const PUBLISHED_SCHEMAS: readonly { file: URL; schema: TSchema }[] = [
  { file: new URL('../config/config.schema.json', import.meta.url), schema: CONFIG_SCHEMA },
  { file: new URL('../../backends/worker/protocol.schema.json', import.meta.url), schema: PROTOCOL_SCHEMA },
  { file: new URL('../../reports/report.schema.json', import.meta.url), schema: REPORT_SCHEMA },
];

/** Writes every published schema file; returns the paths written. */
export function writePublishedSchemas(): string[] {
  return PUBLISHED_SCHEMAS.map(({ file, schema }) => {
    writeFileSync(file, schemaJson(schema));
    return fileURLToPath(file);
  });
}
