import { stringify } from 'csv-stringify/sync';
import type { BaselineTranscript, CaseFailure, Finding, Report } from './report-types.ts';

/** The gate's failures of one case (by its id field: a case named "corpus" or holding ": " is still that case). */
export function caseFailures(failures: readonly Finding[], id: string): Finding[] {
  return failures.filter((f) => f.case === id);
}

const COLUMNS = [
  // wer..baseline_words: the device against the baseline's transcript (the comparison the gate makes)
  'backend', 'case', 'audio', 'audio_format', 'kind', 'audio_seconds', 'passed', 'exact', 'wer', 'cer', 'hits', 'substitutions', 'deletions', 'insertions', 'baseline_words',
  'baseline_text', 'device_text',
  // against what was said, where the case carries it
  'reference_text', 'reference_words', 'baseline_wer_vs_reference', 'device_wer_vs_reference', 'forced_steps', 'top1_agreements', 'decisive_steps', 'decisive_agreements', 'max_abs_logit_error', 'first_divergence_step', 'first_divergence_margin', 'first_divergence_cause',
  // a case one side failed on: a row of its own, its figures empty, saying which backend failed, how and why
  'failure_kind', 'failure_backend', 'failure_message',
] as const;

type Cell = string | number | boolean | null;

/** A case one side failed on: a row of its own, empty but for who failed, how and why, and what the baseline heard if it did. */
function failureRow(device: string, f: CaseFailure, baseline: BaselineTranscript | undefined): Cell[] {
  const v: Partial<Record<(typeof COLUMNS)[number], Cell>> = { backend: device, case: f.case, audio: f.audio, passed: false, baseline_text: baseline?.text, reference_text: baseline?.referenceText, failure_kind: f.kind, failure_backend: f.backend, failure_message: f.message };
  return COLUMNS.map((c) => v[c] ?? null);
}

/**
 * Per-case accuracy results, one row per device backend and case, for a spreadsheet or a
 * script. Read from the report, like every other output, so the CSV cannot say what the
 * report does not. csv-stringify quotes what needs quoting (transcripts hold commas and quotes).
 */
export function renderCsv(report: Report): string {
  const rows: Cell[][] = [];
  // what the baseline heard on a case a device failed on: computed, so in the CSV too
  const heard = new Map((report.backends.find((b) => b.role === 'baseline')?.transcripts ?? []).map((t) => [t.case, t]));
  for (const b of report.backends) {
    const a = b.accuracy;
    if (b.role !== 'device') continue;
    // a device compared on no case (it failed on every one): its failures, beside the baseline's transcripts
    for (const f of a ? [] : (b.failedCases ?? [])) rows.push(failureRow(b.name, f, heard.get(f.case)));
    if (!a) continue;
    const truth = new Map((a.groundTruth?.cases ?? []).map((x) => [x.id, x]));
    for (const c of a.cases) {
      const t = c.tokenParity;
      const d = t?.transcriptDivergence ?? null;
      rows.push([
        b.name, c.id, c.audio, c.audioFormat ?? null, c.kind, c.audioSeconds, caseFailures(a.failures, c.id).length === 0, c.exact, c.wer, c.cer, c.hits, c.substitutions, c.deletions, c.insertions, c.refWords,
        c.baselineText, c.deviceText, c.referenceText ?? null, truth.get(c.id)?.refWords ?? null, truth.get(c.id)?.baseline.wer ?? null, truth.get(c.id)?.device.wer ?? null,
        t?.steps ?? null, t?.top1Agreements ?? null, t?.decisiveSteps ?? null, t?.decisiveAgreements ?? null, t?.maxAbsError ?? null, d?.step ?? null, d?.margin ?? null, d?.cause ?? null,
        null, null, null,
      ]);
    }
    for (const f of a.casesLeftOut ?? []) rows.push(failureRow(b.name, f, heard.get(f.case)));
  }
  return stringify(rows, { header: true, columns: [...COLUMNS], cast: { boolean: (v) => (v ? 'true' : 'false') } });
}
