import { readUtf8 } from '../io/read-utf8.ts';
import { AudioInputError } from '../errors.ts';

/** sclite's trn format: one utterance per line, `text (utterance_id)`. */
export function parseTrn(path: string): Map<string, string> {
  const raw = readUtf8(path, 'trn file');
  const out = new Map<string, string>();
  raw.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const m = /^(.*)\(([^()]+)\)\s*$/.exec(line);
    if (!m) throw new AudioInputError(`${path}:${i + 1}`, 'line does not end with (utterance_id)', 'sclite trn lines look like `some words (utt_1)`');
    const id = m[2]!.trim();
    if (out.has(id)) throw new AudioInputError(`${path}:${i + 1}`, `utterance id "${id}" appears twice`, 'ids must be unique');
    out.set(id, m[1]!.trim());
  });
  return out;
}
