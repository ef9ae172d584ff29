import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DEVICE_MEMORY } from '../../backends/types.ts';

/**
 * The report schema is still written by hand (the config and the worker protocol are declared
 * once, in TypeScript): where it restates a shape declared in code, this checks the two agree.
 */
const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../reports/report.schema.json', import.meta.url)), 'utf8')) as { $id: string; $defs: Record<string, { properties: Record<string, unknown> }> };

describe('the report schema, where it restates a declared shape', () => {
  it("takes every device memory figure a backend or worker may report (a torch worker's peakReservedBytes was refused)", () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema(schema);
    const deviceMemory = ajv.getSchema(`${schema.$id}#/$defs/deviceMemory`)!;
    const every = Object.fromEntries(Object.keys(DEVICE_MEMORY.properties).map((k, i) => [k, 1024 * (i + 1)]));
    expect(deviceMemory(every), JSON.stringify(deviceMemory.errors)).toBe(true);
    expect(Object.keys(schema.$defs.deviceMemory!.properties).sort()).toEqual(Object.keys(DEVICE_MEMORY.properties).sort());
  });
});
