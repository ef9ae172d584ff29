import { seededRandom } from '../io/seeded-random.ts';

/**
 * A seeded reference/hypothesis pair in sclite's trn format for the scoring benchmark: about 17
 * words per utterance from a 5,000-word vocabulary of made-up words, and a hypothesis with
 * about 10% word errors (substitutions, deletions, insertions) and some misspelt words, so the
 * character alignment has work too. The same seed gives the same files on every machine.
 */
export function trnCorpus(utterances: number, seed = 1): { ref: string; hyp: string; refWords: number } {
  const rnd = seededRandom(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const syllables = ['ka', 'lo', 'mi', 'ter', 'san', 'du', 'ple', 'rin', 'sto', 've', 'nar', 'pu', 'che', 'gal', 'fo', 'zi', 'bre', 'ton', 'wa', 'i'];
  const vocab = Array.from({ length: 5000 }, () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(syllables)).join(''));
  const misspell = (w: string) => {
    const i = Math.floor(rnd() * w.length);
    return w.slice(0, i) + pick(['a', 'e', 'o', 'x', '']) + w.slice(i + 1);
  };
  const ref: string[] = [];
  const hyp: string[] = [];
  let refWords = 0;
  for (let u = 0; u < utterances; u++) {
    const n = 5 + Math.floor(rnd() * 25);
    const r = Array.from({ length: n }, () => pick(vocab));
    const h: string[] = [];
    for (const w of r) {
      const x = rnd();
      if (x < 0.03) continue; // deletion
      if (x < 0.06) h.push(pick(vocab)); // substitution
      else if (x < 0.08) h.push(misspell(w)); // a near miss
      else h.push(w);
      if (rnd() < 0.02) h.push(pick(vocab)); // insertion
    }
    const id = `spk${u % 100}_${u}`;
    ref.push(`${r.join(' ')} (${id})`);
    hyp.push(`${h.join(' ')} (${id})`);
    refWords += n;
  }
  return { ref: `${ref.join('\n')}\n`, hyp: `${hyp.join('\n')}\n`, refWords };
}
