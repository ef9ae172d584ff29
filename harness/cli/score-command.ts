import { Option, type Command } from 'commander';
import { print } from './terminal.ts';

/**
 * `asr-parity score`: WER, CER, MER/WIL/WIP of a hypothesis trn against a reference trn, with
 * per-utterance results and alignments as JSON (--json) and sclite's .pra listing (--pra).
 * The scoring modules are imported when the command runs, so `--help` stays fast.
 */
export function scoreCommand(program: Command): Command {
  return program
    .command('score')
    .description('WER/CER (and jiwer\'s MER, WIL, WIP) of hypothesis against reference trn files (sclite format)')
    .requiredOption('--ref <file>', 'reference trn')
    .requiredOption('--hyp <file>', 'hypothesis trn; twice (--hyp A --hyp B): both scored and B minus A with a paired interval and sign test', (v: string, prev?: string[]) => [...(prev ?? []), v])
    .addOption(new Option('--normalize <mode>', 'text normalizer applied to both').choices(['none', 'basic', 'english']).default('none'))
    .addOption(new Option('--cer-spaces <mode>', 'CER counts spaces (include, as jiwer and evaluate) or drops whitespace (exclude)').choices(['include', 'exclude']).default('exclude'))
    .option('--json', 'print one JSON object: corpus figures, the scoring conventions, and perUtterance: each utterance\'s counts, rates and alignment')
    .option('--pra <file>', 'write the per-utterance alignments in sclite\'s .pra layout (diffable against `sclite -i rm -o pra`)')
    .addHelpText('after', '\nExamples:\n  asr-parity score --ref ref.trn --hyp hyp.trn --normalize english\n  asr-parity score --ref ref.trn --hyp hyp.trn --cer-spaces include --json > scores.json\n  asr-parity score --ref ref.trn --hyp hyp.trn --pra hyp.pra && sclite -r ref.trn trn -h hyp.trn trn -i rm -o pra stdout | diff - hyp.pra')
    .action(async (flags: { ref: string; hyp: string[]; normalize: string; cerSpaces: 'include' | 'exclude'; json?: boolean; pra?: string }) => {
      if (flags.hyp.length > 2) throw new (await import('../errors.ts')).UsageError('--hyp', `given ${flags.hyp.length} times`, 'give one hypothesis file, or two to compare');
      if (flags.hyp.length === 2) return (await import('./score-pair.ts')).scorePairCommand({ ...flags, hyp: [flags.hyp[0]!, flags.hyp[1]!] });
      const o = { ...flags, hyp: flags.hyp[0]! };
      const { scoreCorpus, scoreUtterance } = await import('../score/error-rate.ts');
      const { UsageError } = await import('../errors.ts');
      const { getNormalizer } = await import('../score/normalizers.ts');
      const { parseTrn } = await import('../score/trn.ts');
      const { scoringConvention } = await import('../score/scoring-convention.ts');
      const normalize = getNormalizer(o.normalize);
      const ref = parseTrn(o.ref);
      const hyp = parseTrn(o.hyp);
      for (const id of hyp.keys()) if (!ref.has(id)) throw new UsageError(o.hyp, `utterance "${id}" has no reference in ${o.ref}`, 'both files must list the same ids');
      const utts = [...ref].map(([id, r]) => scoreUtterance(id, normalize(r), normalize(hyp.get(id) ?? ''), { cerSpaces: o.cerSpaces }));
      const c = scoreCorpus(utts);
      if (o.pra) {
        const { formatPra } = await import('../score/pra.ts');
        const { writeFileAtomic } = await import('../report/write-atomic.ts');
        // sclite names the system by the hypothesis path as given on its command line
        writeFileAtomic(o.pra, formatPra(utts, o.hyp));
      }
      const scoring = scoringConvention(o.normalize, o.cerSpaces);
      if (o.json) {
        const perUtterance = utts.map((u) => ({
          id: u.id,
          ref: u.ref,
          hyp: u.hyp,
          hits: u.hits,
          substitutions: u.substitutions,
          deletions: u.deletions,
          insertions: u.insertions,
          refWords: u.refWords,
          refChars: u.refChars,
          charErrors: u.charErrors,
          wer: u.wer,
          cer: u.cer,
          mer: u.mer,
          wil: u.wil,
          wip: u.wip,
          exact: u.exact,
          levenshtein: u.levenshtein,
          alignment: u.alignment.pairs,
        }));
        // corpus figures at the top level (as before), the conventions, then one entry per utterance
        print(JSON.stringify({ ...c, ref: o.ref, hyp: o.hyp, scoring, perUtterance }));
      } else {
        const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
        print(`WER ${pct(c.wer)} (S=${c.substitutions} D=${c.deletions} I=${c.insertions} of ${c.refWords} words), CER ${pct(c.cer)} (${o.cerSpaces === 'include' ? 'with' : 'without'} spaces), MER ${pct(c.mer)}, WIL ${pct(c.wil)}, WIP ${pct(c.wip)}, ${c.utterances} utterances; normalizer ${scoring.normalizerVersion}${o.pra ? `; alignments in ${o.pra}` : ''}`);
      }
    });
}
