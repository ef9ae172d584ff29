import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { scoreTrnFiles, scoreTrnPair } from './score-trn.ts';

const dir = mkdtempSync(join(tmpdir(), 'asr-parity-score-trn-'));
const trn = (name: string, lines: Record<string, string>) => {
  const p = join(dir, name);
  writeFileSync(p, Object.entries(lines).map(([id, text]) => `${text} (${id})\n`).join(''));
  return p;
};
const ref = trn('ref.trn', { u1: 'the cat sat', u2: 'Hello, World' });

describe('scoring trn files', () => {
  it('scores in the reference order, normalizing both sides, and an utterance the hypothesis lacks as all deletions', () => {
    const { utterances, corpus } = scoreTrnFiles(ref, trn('hyp.trn', { u2: 'HELLO world!' }), { normalizer: 'basic', cerSpaces: 'exclude' });
    expect(utterances.map((u) => [u.id, u.deletions, u.exact])).toEqual([['u1', 3, false], ['u2', 0, true]]);
    expect(corpus).toMatchObject({ utterances: 2, refWords: 5, deletions: 3 });
    // without the normalizer, case and punctuation count
    expect(scoreTrnFiles(ref, trn('hyp.trn', { u2: 'HELLO world!' }), { normalizer: 'none', cerSpaces: 'exclude' }).utterances[1]!.exact).toBe(false);
  });

  it('refuses a hypothesis utterance with no reference, naming the file and the id', () => {
    const hyp = trn('extra.trn', { u1: 'the cat sat', u9: 'stray' });
    expect(() => scoreTrnFiles(ref, hyp, { normalizer: 'none', cerSpaces: 'exclude' })).toThrow(UsageError);
    expect(() => scoreTrnFiles(ref, hyp, { normalizer: 'none', cerSpaces: 'exclude' })).toThrow(/extra\.trn.*"u9" has no reference/);
  });

  it('pairs two hypotheses by utterance: the second minus the first', () => {
    const a = trn('a.trn', { u1: 'the cat sat', u2: 'hello world' });
    const b = trn('b.trn', { u1: 'the bat', u2: 'hello world' });
    const p = scoreTrnPair(ref, [a, b], { normalizer: 'basic', confidence: 0.95 });
    expect(p.corpus.map((c) => c.wer)).toEqual([0, 2 / 5]);
    expect(p.difference.difference).toBeCloseTo(2 / 5);
    expect(p.difference.sign).toMatchObject({ worse: 1, better: 0, ties: 1 });
  });
});
