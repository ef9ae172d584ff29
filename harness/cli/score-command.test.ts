import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { sclitePra } from '../../suites/helpers/sclite.ts';

const BIN = resolve(import.meta.dirname, '../../bin/asr-parity.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-score-'));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const UTTS = [
  { id: 'u_1', ref: 'the cat sat on the mat', hyp: 'the bat sat on mat today' },
  { id: 'u_2', ref: 'This is a test', hyp: 'This test' },
];
const ref = file('ref.trn', UTTS.map((u) => `${u.ref} (${u.id})\n`).join(''));
const hyp = file('hyp.trn', UTTS.map((u) => `${u.hyp} (${u.id})\n`).join(''));
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, stdin: 'ignore', cwd: tmp });

describe('asr-parity score', () => {
  it('--json gives corpus figures, the conventions, and per-utterance counts, rates and alignments; --pra writes what sclite writes', async () => {
    const r = await cli('score', '--ref', 'ref.trn', '--hyp', 'hyp.trn', '--cer-spaces', 'include', '--json', '--pra', 'out.pra');
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.scoring).toMatchObject({ normalizer: 'none', cerSpaces: 'include' });
    expect(j.perUtterance.map((u: { id: string }) => u.id)).toEqual(['u_1', 'u_2']);
    const u2 = j.perUtterance[1];
    // jiwer's published values for this pair: CER 5/14 with spaces, WER = MER = WIL = 0.5
    expect(u2).toMatchObject({ hits: 2, deletions: 2, substitutions: 0, insertions: 0 });
    expect(u2.cer).toBeCloseTo(5 / 14, 15);
    expect([u2.wer, u2.mer, u2.wil]).toEqual([0.5, 0.5, 0.5]);
    expect(u2.alignment).toEqual([
      { op: 'C', ref: 'This', hyp: 'This' },
      { op: 'D', ref: 'is', hyp: null },
      { op: 'D', ref: 'a', hyp: null },
      { op: 'C', ref: 'test', hyp: 'test' },
    ]);
    expect(j.substitutions + j.deletions + j.insertions).toBe(j.perUtterance.reduce((a: number, u: { substitutions: number; deletions: number; insertions: number }) => a + u.substitutions + u.deletions + u.insertions, 0));
    expect(readFileSync(join(tmp, 'out.pra'), 'utf8')).toBe(await sclitePra(UTTS, 'hyp.trn'));
  });

  it('says which CER convention and normalizer version it used', async () => {
    const r = await cli('score', '--ref', ref, '--hyp', hyp, '--normalize', 'english');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CER [\d.]+% \(without spaces\), MER [\d.]+%, WIL [\d.]+%, WIP [\d.]+%, 2 utterances; normalizer openai\/whisper EnglishTextNormalizer/);
  });
});
