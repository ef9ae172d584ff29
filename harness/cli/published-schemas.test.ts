import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemaJson } from '../io/schema-types.ts';
import { PUBLISHED_SCHEMAS } from './published-schemas.ts';

describe('the published JSON Schema files', () => {
  it.each(PUBLISHED_SCHEMAS.map((s) => [fileURLToPath(s.file), s] as const))('%s is written from its declaration (npm run schemas)', (path, { schema }) => {
    expect(readFileSync(path, 'utf8'), `${path} is stale: run npm run schemas`).toBe(schemaJson(schema));
  });
});
