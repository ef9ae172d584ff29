import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCommonVoice, writeKaldi, writeLibriSpeech, writeNemoOffsets, writeParquet, type WrittenCorpus } from '../fixtures/corpora.ts';
import { MANIFEST } from '../fixtures/generate.ts';
import type { Case } from '../harness/audio/case.ts';
import { readManifest } from '../harness/audio/manifest.ts';
import { readReport } from '../harness/report/report-file.ts';
import type { Report } from '../harness/report/report-types.ts';
import { cliSession } from './helpers/cli-session.ts';

/**
 * Each corpus format, written by the test from the fixtures, through `compare` as a user runs it:
 * the report must hold the JSON Lines manifest's cases (ids as the format names them, audio
 * length, both transcripts, and the ground-truth counts against the reference text) and record
 * the format. Two cases each (a sentence with its text, a tone) keep npm test's cost to a few
 * model loads; harness/audio/corpus/corpus-formats.test.ts checks every fixture at the case-list level.
 */
const { tmp, cli } = cliSession('asr-parity-corpus-compare-');
const two: Case[] = ['speech-01', 'tone-440hz'].map((id) => readManifest(MANIFEST).find((c) => c.id === id)!);

async function compare(input: string, ...flags: string[]): Promise<{ report: Report; stdout: string }> {
  const out = join(tmp, `${input.replace(/[^a-z0-9]+/gi, '-')}.json`);
  const r = await cli('compare', '--backend', 'cpu-fp16', '--audio', input, '--evidence', 'point', '--output', out, ...flags);
  // exit 1 is a gate verdict (the generated model's words are not the sentence); 2 would be bad input
  expect([0, 1], `compare ${input}: ${r.stderr}`).toContain(r.exitCode);
  return { report: await readReport(out), stdout: r.stdout };
}

/** What must be equal between two runs over the same cases: per case, and the ground truth's per-case counts. */
function caseView(report: Report, idOf: (c: Case) => string = (c) => c.id) {
  const device = report.backends.find((b) => b.role === 'device')!;
  const acc = device.accuracy!;
  const back = new Map(two.map((c) => [idOf(c), c.id]));
  return {
    cases: acc.cases.map((c) => ({ id: back.get(c.id) ?? `unexpected id ${c.id}`, audioSeconds: c.audioSeconds, baselineText: c.baselineText, deviceText: c.deviceText })),
    truth: acc.groundTruth?.cases.map((c) => ({ ...c, id: back.get(c.id) ?? `unexpected id ${c.id}` })),
  };
}

let jsonlRun: Promise<Report> | undefined;
const jsonl = () => (jsonlRun ??= (async () => {
  const m = join(tmp, 'two.jsonl');
  writeFileSync(m, two.map((c) => JSON.stringify({ id: c.id, audio: c.audio, text: c.text, kind: c.kind })).join('\n'));
  return (await compare(m)).report;
})());

const FORMATS: { name: string; format: string; write: (dir: string) => WrittenCorpus | Promise<WrittenCorpus>; flags?: string[] }[] = [
  // offsets into one recording: the cut is what compare transcribes
  { name: 'NeMo manifest with offsets', format: 'nemo', write: (d) => writeNemoOffsets(two, d) },
  // a wav.scp of commands, allowed: compare says what ran
  { name: 'Kaldi data folder of wav.scp commands', format: 'kaldi', write: (d) => writeKaldi(two, d, 'plain'), flags: ['--allow-pipes'] },
  { name: 'LibriSpeech layout (FLAC)', format: 'librispeech', write: (d) => writeLibriSpeech(two, d) },
  { name: 'Common Voice', format: 'common-voice', write: (d) => writeCommonVoice(two, d) },
  { name: 'Hugging Face parquet', format: 'parquet', write: (d) => writeParquet(two, d) },
];

describe('each corpus format through compare gives the JSON Lines manifest\'s cases', () => {
  it('the JSON Lines manifest itself is recorded as jsonl, with a reference to score', async () => {
    const r = await jsonl();
    expect(r.config.corpus?.format).toBe('jsonl');
    // the corpus's power is recorded with it: two cases, one with reference text
    expect(r.config.corpus?.power).toMatchObject({ utterances: 2, withReference: 1, minDetectableWerIncrease: null });
    expect(caseView(r).truth?.map((c) => c.id)).toEqual(['speech-01']);
  });

  for (const f of FORMATS) {
    it(`${f.name}: recorded as ${f.format}, same cases, transcripts and ground-truth counts`, async () => {
      const corpus = await f.write(join(tmp, f.format));
      const { report, stdout } = await compare(corpus.input, ...(f.flags ?? []));
      expect(report.config.corpus?.format).toBe(f.format);
      expect(caseView(report, corpus.idOf)).toEqual(caseView(await jsonl()));
      if (f.flags?.includes('--allow-pipes')) {
        expect(report.config.corpus?.commands?.map((c) => c.argv)).toEqual(two.map((c) => ['cat', c.audio]));
        expect(stdout).toContain(`ran for ${join(corpus.input, 'wav.scp')}:1: cat ${two[0]!.audio}`);
      }
    });
  }

  it('eval-accuracy --plan prints what the corpus can show and runs nothing', async () => {
    const corpus = writeKaldi(two, join(tmp, 'kaldi-plan'));
    const r = await cli('eval-accuracy', '--plan', '--manifest', corpus.input, '--max-wer', '5%');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^corpus: 2 utterances, 1 with reference text \(9 words, \d+ characters\)$/m);
    expect(r.stdout).toMatch(/^maxWer 5\.00% needs 59 words without an error \(about 7 utterances\), has 9: not enough$/m);
    expect(r.stdout).not.toMatch(/checking|verdict/);
  });

  it('a Kaldi wav.scp command without --allow-pipes is exit 2 naming the line, before any model loads', async () => {
    const corpus = writeKaldi(two, join(tmp, 'kaldi-refused'), 'plain');
    const r = await cli('compare', '--backend', 'cpu-fp16', '--audio', corpus.input);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^asr-parity: .*kaldi-refused\/wav\.scp:1: wav\.scp entry is a command \(cat .*\): refused, since it would run a command taken from a data file \(pass --allow-pipes/);
  });

  it('--format forces a format: a NeMo manifest read as asr-parity\'s own is refused naming its unknown fields and the --format to use', async () => {
    const corpus = await writeNemoOffsets(two, join(tmp, 'nemo-forced'));
    const r = await cli('compare', '--backend', 'cpu-fp16', '--audio', corpus.input, '--format', 'jsonl');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/manifest\.json:1: unknown fields "audio_filepath", "offset" \(.*pass --format nemo\)$/);
  });
});
