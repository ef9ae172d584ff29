import type { Finding, FindingKind } from '../score/finding.ts';

/** What a schema-2 report holds where schema 3 holds values: its failures and reasons were sentences. */
export interface ReportV2 {
  schemaVersion: 2;
  verdictReasons: string[];
  backends: { name: string; accuracy?: { failures: string[]; cases: { id: string }[] } }[];
}

// the sentences schema 2 wrote, by what they said; a sentence none of these names stays 'legacy'
const SAID: readonly [RegExp, FindingKind][] = [
  [/insufficient evidence/, 'insufficient-evidence'],
  [/WER against the reference text rose/, 'wer-increase'],
  [/teacher-forced top-1 agreement/, 'token-parity'],
  [/^teacher forcing failed/, 'teacher-forcing-error'],
  [/ case\(s\) not compared, left out/, 'cases-not-compared'],
  [/under performance load/, 'under-load'],
  [/^corpus: (WER|CER|exact match) /, 'corpus-threshold'],
];

const kindOf = (sentence: string): FindingKind => SAID.find(([re]) => re.test(sentence))?.[1] ?? 'legacy';

// schema 2 wrote one line per case in this form, and corpus lines without the comma ("corpus: WER 5.00% >= 1.00%")
const CASE_LINE = /^: WER [\d.]+%, CER [\d.]+% \((WER|CER) >= /;

/**
 * A schema-2 failure as a value: the one place a sentence is read back, for old files only. A
 * case line is told from a corpus line by its form, so a case named "corpus" is still that case.
 */
function failureOf(sentence: string, caseIds: readonly string[]): Finding {
  const id = caseIds.find((c) => sentence.startsWith(c) && CASE_LINE.test(sentence.slice(c.length)));
  return id === undefined ? { kind: kindOf(sentence), message: sentence } : { kind: 'case-threshold', case: id, message: sentence };
}

/** The report as schema 3 holds it; every other field is the same in both versions. */
export function upgradeFromV2<R>(raw: ReportV2): R {
  const backends = raw.backends.map((b) => {
    if (!b.accuracy) return b;
    const ids = b.accuracy.cases.map((c) => c.id);
    return { ...b, accuracy: { ...b.accuracy, failures: b.accuracy.failures.map((f) => failureOf(f, ids)) } };
  });
  const verdictReasons = raw.verdictReasons.map((sentence): Finding => {
    const b = raw.backends.filter((x) => sentence.startsWith(`${x.name}: `) || sentence.startsWith(`${x.name} (`)).sort((x, y) => y.name.length - x.name.length)[0];
    if (!b) return { kind: /^not comparable/.test(sentence) ? 'not-comparable' : /^no device backend/.test(sentence) ? 'nothing-compared' : 'legacy', message: sentence };
    const rest = sentence.slice(b.name.length);
    const failure = rest.startsWith(': ') ? failureOf(rest.slice(2), b.accuracy?.cases.map((c) => c.id) ?? []) : undefined;
    const kind: FindingKind = rest.startsWith(' (optional) not run') ? 'optional-not-run' : rest.startsWith(' (required) ') ? (rest.includes(': no ') && rest.endsWith(' result') ? 'missing-result' : 'not-run') : /^: (accuracy gate passed|performance measured)/.test(rest) ? 'passed' : rest.startsWith(': passed on the observed values only') ? 'point-only' : failure?.kind ?? 'legacy';
    return { kind, backend: b.name, ...(failure?.case === undefined ? {} : { case: failure.case }), message: sentence };
  });
  return { ...raw, schemaVersion: 3, verdictReasons, backends } as R;
}
