import { CONFIG_SCHEMA, type GateThresholds } from './config-schema.ts';

/**
 * Each gate threshold once: its flag, how the flag's value is read, and a short help. Its default
 * and its full meaning are the config schema's (config-schema.ts, the one place a default lives;
 * the starter config and the help read them from there); the table is typed by the schema's
 * thresholds, so a field in one and not the other does not compile.
 */
export interface ThresholdRow {
  /** The flag, with its value's name; commander gives its value under the camel-cased flag name. */
  flag: `--${string} <${string}>`;
  /** How the value is read: a rate (fraction or percent), a number >= 0, or one of the choices. */
  parse: 'rate' | 'nonNegative' | readonly string[];
  help: string;
  /** How the Markdown and HTML reports show it (rates as percentages). */
  shown: 'percent' | 'number' | 'text';
  /** The rule as the reports' threshold line words it, before the value. */
  reads: string;
}

export const THRESHOLD_TABLE = {
  maxWer: { flag: '--max-wer <rate>', parse: 'rate', help: 'WER must be below this, per case and corpus-wide: a fraction (0.01) or a percent (1%)', shown: 'percent', reads: 'WER <' },
  maxCer: { flag: '--max-cer <rate>', parse: 'rate', help: 'CER must be below this: a fraction or a percent', shown: 'percent', reads: 'CER <' },
  minExactMatchRate: { flag: '--min-exact <rate>', parse: 'rate', help: 'exact-match rate at least this: a fraction or a percent', shown: 'percent', reads: 'exact-match rate >=' },
  minTop1Agreement: { flag: '--min-top1 <rate>', parse: 'rate', help: 'teacher-forced top-1 agreement on decisive steps: a fraction or a percent', shown: 'percent', reads: 'teacher-forced top-1 agreement on decisive steps >=' },
  marginTolerance: { flag: '--margin-tolerance <logits>', parse: 'nonNegative', help: 'a step is decisive when the baseline margin exceeds this', shown: 'number', reads: 'a step decisive when the baseline margin (logits) >' },
  evidence: { flag: '--evidence <mode>', parse: ['bound', 'point'], help: 'bound: the confidence bounds must meet the thresholds (too little data fails as insufficient evidence); point: the observed values must', shown: 'text', reads: 'judged on evidence' },
  confidence: { flag: '--confidence <level>', parse: 'rate', help: 'one-sided confidence level of the bounds', shown: 'percent', reads: 'one-sided confidence' },
  maxWerIncrease: { flag: '--max-wer-increase <rate>', parse: 'rate', help: "against reference text: device WER at most this above the baseline's, absolute", shown: 'percent', reads: 'device WER against reference text above the baseline\'s by at most' },
} as const satisfies { [K in keyof GateThresholds]: ThresholdRow };

export type ThresholdName = keyof typeof THRESHOLD_TABLE;
export const THRESHOLD_NAMES = Object.keys(THRESHOLD_TABLE) as ThresholdName[];

/** The camel-cased name commander gives a flag's value: `--min-exact <rate>` gives `minExact`. */
export function flagKey(name: ThresholdName): string {
  return THRESHOLD_TABLE[name].flag.slice(2).split(' ')[0]!.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The thresholds the flags set, by field (absent flags absent, so the config's values stay). */
export function thresholdsFromFlags(flags: object): Partial<GateThresholds> {
  const o = flags as Record<string, unknown>;
  return Object.fromEntries(THRESHOLD_NAMES.filter((n) => o[flagKey(n)] !== undefined).map((n) => [n, o[flagKey(n)]])) as Partial<GateThresholds>;
}

/** The schema's thresholds section: each field's default and description. */
export function schemaThresholds(): Record<ThresholdName, { default: unknown; description?: string }> {
  return CONFIG_SCHEMA.properties.thresholds.properties;
}

/** The built-in defaults, from the schema. */
export function thresholdDefaults(): GateThresholds {
  const s = schemaThresholds();
  return Object.fromEntries(THRESHOLD_NAMES.map((n) => [n, s[n]!.default])) as unknown as GateThresholds;
}

/** A threshold's value as the reports and the help show it. */
export function showThreshold(name: ThresholdName, value: GateThresholds[ThresholdName]): string {
  const how = THRESHOLD_TABLE[name].shown;
  return how === 'percent' && typeof value === 'number' ? `${(100 * value).toFixed(2)}%` : String(value);
}

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type FlagName<F> = F extends `--${infer N} <${string}>` ? Camel<N> : never;
/** The parsed threshold flags (`--min-exact` gives `minExact`), typed from the table. */
export type ThresholdFlags = { [K in ThresholdName as FlagName<(typeof THRESHOLD_TABLE)[K]['flag']>]?: GateThresholds[K] };

/** Every threshold as the reports' one line says it: "WER < 1.00%, CER < 1.00%, ...". One a report predates (maxWerIncrease) is left out, not shown as "undefined". */
export function thresholdLine(t: Partial<GateThresholds>): string {
  return THRESHOLD_NAMES.flatMap((n) => (t[n] === undefined ? [] : [`${THRESHOLD_TABLE[n].reads} ${showThreshold(n, t[n])}`])).join(', ');
}
