import type { Localization, LocalizationRow, Report } from './report-types.ts';

/**
 * How a localization reads (harness/run/locate.ts): one line for the terminal and the report's
 * summary, and the per-tensor rows the Markdown and HTML tables show. Written once here so the
 * terminal, the Markdown and the HTML say the same thing.
 */

const g = (x: number | null | undefined, digits = 4) => (x === undefined ? 'n/a' : x === null ? 'inf' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(digits) : x === 0 ? '0' : x.toExponential(2));

export const tensorLabel = (t: { name: string; step?: number }) => (t.step === undefined ? t.name : `${t.name} @ step ${t.step}`);

/** "localized speech-01 (isolation, floor torch-cpu-bf16 x2): first failing tensor model.encoder.layers.1 (cosine ...)". */
export function localizationLine(l: Localization): string {
  if (!l.available) return `localization of ${l.caseId}: ${l.reason}`;
  const floor = l.floor ? (l.floor.reason ? `; no noise floor (${l.floor.backend}: ${l.floor.reason})` : `, noise floor ${l.floor.backend} x${l.floor.factor}`) : '';
  const where = `localized ${l.caseId} (${l.mode}${floor}; steps ${l.steps.join(', ')}${l.flipStep === null ? ', no top-1 flip' : `, top-1 flips at step ${l.flipStep}`})`;
  if (!l.firstFailing) return `${where}: no tensor fails msprobe's rule${l.floor && !l.floor.reason ? ' beyond the noise floor' : ''} (${l.rows.length} compared)`;
  return `${where}: first failing tensor ${tensorLabel(l.firstFailing)} (${l.firstFailing.reasons.join('; ')})`;
}

export interface LocalizationTableRow {
  tensor: string;
  shape: string;
  cosine: string;
  maxAbsError: string;
  maxRelError: string;
  relativeRmse: string;
  floor: string;
  nonFinite: string;
  verdict: string;
  first: boolean;
}

function verdictOf(r: LocalizationRow): string {
  if (r.verdict === 'fail') return r.withinFloor ? 'within noise floor' : 'FAIL';
  if (r.verdict === 'missing' || r.verdict === 'shape') return `${r.verdict}: ${r.reasons.join('; ')}`;
  return 'pass';
}

export function localizationRows(l: Localization & { available: true }): LocalizationTableRow[] {
  const first = l.firstFailing;
  return l.rows.map((r) => ({
    tensor: tensorLabel(r),
    shape: r.shape.join('x'),
    cosine: g(r.cosine, 6),
    maxAbsError: g(r.maxAbsError),
    maxRelError: g(r.maxRelError),
    relativeRmse: g(r.relativeRmse),
    floor: g(r.floorRelativeRmse),
    nonFinite: r.nonFiniteDevice === undefined ? 'n/a' : `${r.nonFiniteDevice}/${r.nonFiniteBaseline}`,
    verdict: verdictOf(r),
    first: Boolean(first && first.name === r.name && first.step === r.step),
  }));
}

/** Each device's localization, for the reports' section: its line, the located case's words and WER, and the table (rows only where available). */
export function localizationSections(r: Report): { backend: string; caseId: string; caseText?: string; line: string; rows: LocalizationTableRow[] }[] {
  return r.backends
    .filter((b) => b.localization)
    .map((b) => {
      const l = b.localization!;
      const c = b.accuracy?.cases.find((x) => x.id === l.caseId);
      const caseText = c && `WER ${(100 * c.wer).toFixed(2)}%, baseline "${c.baselineText}", device "${c.deviceText}"`;
      return { backend: b.name, caseId: l.caseId, ...(caseText ? { caseText } : {}), line: localizationLine(l), rows: l.available ? localizationRows(l) : [] };
    });
}

/** The rule as the reports word it, from the first localization's recorded thresholds. */
export function localizationRule(r: Report): string {
  const l = r.backends.map((b) => b.localization).find((x) => x?.available);
  if (!l?.available) return 'n/a';
  const t = l.rule;
  return `a tensor fails when cosine < ${t.minCosine} with max abs error > ${t.maxAbsError}, or cosine < ${t.hardMinCosine}, or max abs error > ${t.hardMaxAbsError}, or any NaN/Inf`;
}
