import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sclitePra } from '../../suites/helpers/sclite.ts';
import { scoreUtterance } from './error-rate.ts';
import { formatPra } from './pra.ts';

/** The per-utterance blocks of a .pra file, keyed by utterance id. */
function blocks(pra: string): Map<string, string> {
  return new Map(pra.split(/\n(?=id: \()/).slice(1).map((b) => [/^id: \((.*)\)/.exec(b)![1]!, b.replace(/\n(Speaker sentences.*\n)?\n*$/, '')]));
}

describe('the .pra listing matches NIST sclite -o pra', () => {
  it('utterance by utterance and as a whole file, on a generated corpus full of ties, empty sides and non-ASCII words', async () => {
    // a small vocabulary makes equal-cost alignments common, which is where tie-breaking shows
    const vocab = ['a', 'b', 'the', 'cat', 'sat', 'on', 'mat', 'xylophone', 'café', 'straße', 'naïve', '東京'];
    const sentence = fc.array(fc.constantFrom(...vocab), { maxLength: 9 });
    const pairs = fc.sample(fc.tuple(sentence, sentence), { numRuns: 150, seed: 14 });
    const speakers = ['spkA', 'spkB', 'spkC'];
    const utts = pairs
      .map(([r, h], i) => ({ id: `${speakers[i % 3]}_${String(i).padStart(3, '0')}`, ref: r.join(' '), hyp: h.join(' ') }));
    expect(utts.filter((u) => !u.ref && !u.hyp).length, 'the corpus has utterances empty on both sides').toBeGreaterThan(0);
    const theirs = await sclitePra(utts, 'hyp.trn');
    const ours = formatPra(utts.map((u) => ({ id: u.id, alignment: scoreUtterance(u.id, u.ref, u.hyp).alignment })), 'hyp.trn');
    const t = blocks(theirs);
    const o = blocks(ours);
    expect(t.size).toBe(utts.length);
    for (const u of utts) expect(o.get(u.id.toLowerCase()), u.id).toBe(t.get(u.id.toLowerCase()));
    expect(ours).toBe(theirs);
  });
});
