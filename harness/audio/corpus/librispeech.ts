import { dirname, join } from 'node:path';
import { AudioInputError } from '../../errors.ts';
import type { Case } from '../case.ts';
import { audioMustExist, CaseIds, filesUnder, keyed, numberedLines } from './corpus-files.ts';
import { defineCorpusFormat } from './corpus-format.ts';

const TRANS = /\.trans\.txt$/;

/**
 * LibriSpeech's layout: under the given folder (a split such as `test-clean`, or the whole
 * `LibriSpeech/`), every `SPEAKER-CHAPTER.trans.txt` lists `UTTERANCE-ID WORDS` a line, and each
 * utterance is `UTTERANCE-ID.flac` beside it. The id is LibriSpeech's (`1089-134686-0000`).
 */
function readLibriSpeech(dir: string): Case[] {
  const ids = new CaseIds();
  const cases: Case[] = [];
  for (const trans of filesUnder(dir).filter((f) => TRANS.test(f))) {
    for (const { n, line } of numberedLines(trans, 'LibriSpeech transcript')) {
      const where = `${trans}:${n}`;
      const { key, rest } = keyed(line);
      if (key.includes('/')) throw new AudioInputError(where, `"${key}" is not an utterance id`, 'a .trans.txt line is "UTTERANCE-ID WORDS"');
      cases.push({ id: ids.add(key, where), audio: audioMustExist(join(dirname(trans), `${key}.flac`), where), text: rest, kind: 'audio' });
    }
  }
  return cases;
}

export default defineCorpusFormat({
  name: 'librispeech',
  description: 'LibriSpeech layout: *.trans.txt beside the utterances\' FLAC files',
  detect: (input, isDir) => isDir && filesUnder(input).some((f) => TRANS.test(f)),
  read: (input) => ({ cases: readLibriSpeech(input), skipped: [] }),
});
