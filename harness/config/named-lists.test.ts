import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_PRESETS } from '../../backends/command/command-presets.ts';
import { NORMALIZER_NAMES } from './normalizer-names.ts';

/**
 * The JSON schemas spell out the normalizer and preset names for editors that complete from
 * "$schema"; the lists themselves are NORMALIZER_NAMES and COMMAND_PRESETS. A name added to one
 * and not the other would be refused by the config loader or written into reports unchecked.
 */
const json = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as unknown;

/** Every `enum` under a property named `key`, wherever it sits in the schema. */
function enumsAt(node: unknown, key: string, out: unknown[][] = []): unknown[][] {
  if (Array.isArray(node)) for (const x of node) enumsAt(x, key, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key && v && typeof v === 'object' && Array.isArray((v as { enum?: unknown }).enum)) out.push((v as { enum: unknown[] }).enum);
      enumsAt(v, key, out);
    }
  }
  return out;
}

describe('the one list of each kind of name, and the schemas that spell them out', () => {
  it('the config schema and the report schema list exactly NORMALIZER_NAMES for every "normalizer"', () => {
    const found = [...enumsAt(json('./config.schema.json'), 'normalizer'), ...enumsAt(json('../../reports/report.schema.json'), 'normalizer')];
    // the config's default, the report's config summary, a backend's accuracy and its scoring convention
    expect(found.length).toBeGreaterThanOrEqual(4);
    for (const e of found) expect(e).toEqual([...NORMALIZER_NAMES]);
  });

  it('the preset names are written out nowhere but COMMAND_PRESETS: the command backend derives its schema from it', () => {
    // the config schema checks only the harness's fields of an entry; "command" is the backend's (backends/command/command-config.ts)
    expect(enumsAt(json('./config.schema.json'), 'preset')).toEqual([]);
    expect(Object.keys(COMMAND_PRESETS).length).toBeGreaterThan(0);
  });
});
