import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scoreCorpus, scoreUtterance } from './error-rate.ts';

/** Runs NIST sclite (Debian package sctk, installed by .ci/run) and reads the raw counts of its Sum row. */
async function scliteCounts(refs: string[], hyps: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'asr-parity-sclite-'));
  const trn = (lines: string[]) => lines.map((l, i) => `${l} (spk_${String(i).padStart(3, '0')})`).join('\n') + '\n';
  writeFileSync(join(dir, 'ref.trn'), trn(refs));
  writeFileSync(join(dir, 'hyp.trn'), trn(hyps));
  const { stdout } = await execa('sctk', ['sclite', '-r', join(dir, 'ref.trn'), 'trn', '-h', join(dir, 'hyp.trn'), 'trn', '-i', 'rm', '-o', 'rsum', 'stdout']);
  const row = stdout.split('\n').find((l) => /^\s*\|\s*Sum\s*\|/.test(l));
  if (!row) throw new Error(`no Sum row in sclite output:\n${stdout}`);
  const n = row.replace(/[|]/g, ' ').trim().split(/\s+/).slice(1).map(Number);
  const [, words, corr, sub, del, ins] = n;
  return { words, hits: corr, substitutions: sub, deletions: del, insertions: ins };
}

describe('corpus counts agree with NIST sclite', () => {
  it('on generated utterance pairs', async () => {
    const vocab = ['a', 'b', 'c', 'the', 'cat', 'sat', 'on', 'mat'];
    const pairs = fc.sample(
      fc.tuple(fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 10 }), fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 10 })),
      { numRuns: 60, seed: 42 },
    );
    const refs = pairs.map(([r]) => r.join(' '));
    const hyps = pairs.map(([, h]) => h.join(' '));
    const ours = scoreCorpus(refs.map((r, i) => scoreUtterance(String(i), r, hyps[i]!)));
    const theirs = await scliteCounts(refs, hyps);
    expect({ words: ours.refWords, hits: ours.hits, substitutions: ours.substitutions, deletions: ours.deletions, insertions: ours.insertions }).toEqual(theirs);
  });
});
