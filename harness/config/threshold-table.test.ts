import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.ts';
import { starterConfig } from './starter-config.ts';
import { flagKey, schemaThresholds, thresholdDefaults, thresholdLine, thresholdsFromFlags, THRESHOLD_NAMES, THRESHOLD_TABLE } from './threshold-table.ts';

/** The thresholds are declared once: the table (flags, help) and the config schema (defaults, meaning) name the same fields, and every consumer reads them. */
const BIN = resolve(import.meta.dirname, '../../bin/asr-parity.mjs');

describe('the threshold table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asr-parity-thresholds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the fields of the schema\'s thresholds section, each with a default there', () => {
    const schema = schemaThresholds();
    expect(Object.keys(schema).filter((k) => k !== '$comment').sort()).toEqual([...THRESHOLD_NAMES].sort());
    for (const n of THRESHOLD_NAMES) expect(schema[n]!.default, n).toBeDefined();
    // a config without thresholds gets exactly these
    expect(loadConfig(join(dir, writeConfig('bare.json', {}))).thresholds).toEqual(thresholdDefaults());
  });

  function writeConfig(name: string, thresholds: object): string {
    writeFileSync(join(dir, name), JSON.stringify({ backends: [{ backend: 'cpu-fp16' }], thresholds }));
    return name;
  }

  it('maps each flag to its field (commander camel-cases the flag)', () => {
    expect(flagKey('minExactMatchRate')).toBe('minExact');
    expect(flagKey('maxWerIncrease')).toBe('maxWerIncrease');
    const flags = Object.fromEntries(THRESHOLD_NAMES.map((n, i) => [flagKey(n), i]));
    expect(thresholdsFromFlags(flags)).toEqual(Object.fromEntries(THRESHOLD_NAMES.map((n, i) => [n, i])));
    expect(thresholdsFromFlags({ maxWer: undefined, minTop1: 0.5 })).toEqual({ minTop1Agreement: 0.5 });
  });

  it("gives the reports' threshold line, every threshold in it with its value", () => {
    const t = { ...thresholdDefaults(), minExactMatchRate: 0.875, marginTolerance: 0.25, evidence: 'point' as const };
    const line = thresholdLine(t);
    expect(line.split(', ')).toHaveLength(THRESHOLD_NAMES.length);
    for (const n of THRESHOLD_NAMES) expect(line).toContain(THRESHOLD_TABLE[n].reads);
    expect(line).toContain('exact-match rate >= 87.50%');
    expect(line).toContain('(logits) > 0.25');
    expect(line).toContain('judged on evidence point');
  });

  it('leaves out of that line a threshold an older report does not record (maxWerIncrease), rather than show "undefined"', () => {
    const { maxWerIncrease: _, ...older } = thresholdDefaults();
    const line = thresholdLine(older);
    expect(line.split(', ')).toHaveLength(THRESHOLD_NAMES.length - 1);
    expect(line).not.toContain(THRESHOLD_TABLE.maxWerIncrease.reads);
    expect(line).not.toContain('undefined');
  });

  it("init's starter config holds the schema's defaults (minExactMatchRate 0.9, not 0.99) and a relative $schema", () => {
    const c = starterConfig({ output: join(dir, 'sub/asr-parity.config.json'), deviceBackend: 'cpu-fp16' }) as { $schema: string; thresholds: Record<string, unknown> };
    const { $comment, ...thresholds } = c.thresholds;
    expect($comment).toBeTruthy();
    expect(thresholds).toEqual(thresholdDefaults());
    expect(thresholds.minExactMatchRate).toBe(0.9);
    expect(isAbsolute(c.$schema)).toBe(false);
    expect(resolve(dir, 'sub', c.$schema)).toBe(resolve(import.meta.dirname, 'config.schema.json'));
  });

  it("a threshold flag's help shows the value the gate would use: the config's when it sets one, else the built-in default", async () => {
    const help = async (...args: string[]) => (await execa('node', [BIN, ...args, 'compare', '--help'], { cwd: dir, stdin: 'ignore', env: { ASR_PARITY_CONFIG: undefined }, extendEnv: true })).stdout.replace(/\s+/g, ' ');
    const own = join(dir, writeConfig('strict.json', { maxWer: 0.05, evidence: 'point' }));
    const withConfig = await help('--config', own);
    expect(withConfig).toContain(`${THRESHOLD_TABLE.maxWer.flag} ${THRESHOLD_TABLE.maxWer.help} (default: 5.00%, from ${own})`);
    expect(withConfig).toContain(`(choices: "bound", "point") (default: point, from ${own})`);
    // maxCer is not set by that config: the built-in default, still from the config that was read
    expect(withConfig).toContain(`${THRESHOLD_TABLE.maxCer.help} (default: 1.00%, from ${own})`);
    const builtIn = await help();
    expect(builtIn).toContain(`${THRESHOLD_TABLE.maxWer.help} (default: 1.00%, built in)`);
    expect(builtIn).toContain(`${THRESHOLD_TABLE.minExactMatchRate.help} (default: 90.00%, built in)`);
  }, 120_000);
});
