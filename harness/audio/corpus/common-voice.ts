import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { AudioInputError } from '../../errors.ts';
import type { Case } from '../case.ts';
import { audioMustExist, CaseIds, firstLineOf, numberedLines } from './corpus-files.ts';
import { defineCorpusFormat } from './corpus-format.ts';

/** A Common Voice table: tab-separated, a header naming at least `path` and `sentence`. */
function isCvTable(file: string): boolean {
  if (extname(file).toLowerCase() !== '.tsv' || !statSync(file).isFile()) return false;
  const header = (firstLineOf(file) ?? '').split('\t');
  return header.includes('path') && header.includes('sentence');
}

/** The table to read: the .tsv given, or the one Common Voice table in the folder given. */
function tableOf(input: string): string {
  if (!statSync(input).isDirectory()) return input;
  const tables = readdirSync(input).sort().map((f) => join(input, f)).filter(isCvTable);
  if (tables.length !== 1) throw new AudioInputError(input, tables.length ? `holds ${tables.length} Common Voice tables (${tables.map((t) => basename(t)).join(', ')})` : 'holds no Common Voice table (.tsv with path and sentence columns)', 'give the .tsv of the split to run, e.g. test.tsv');
  return tables[0]!;
}

/**
 * Mozilla Common Voice's layout: a split's `.tsv` (`test.tsv`, `dev.tsv`, ...) with a header row
 * and the columns `path` (the clip's file name) and `sentence`, the clips in `clips/` beside it.
 * The id is the clip's file name. Given a folder, its one table is read (several: name the one).
 */
function readCommonVoice(input: string): Case[] {
  const table = tableOf(input);
  const clips = join(dirname(table), 'clips');
  const [header, ...rows] = numberedLines(table, 'Common Voice table');
  const cols = header?.line.split('\t') ?? [];
  const pathCol = cols.indexOf('path');
  const textCol = cols.indexOf('sentence');
  const ids = new CaseIds();
  return rows.map(({ n, line }) => {
    const where = `${table}:${n}`;
    const cells = line.split('\t');
    const clip = cells[pathCol];
    if (!clip || cells.length < cols.length) throw new AudioInputError(where, `a row has ${cells.length} cells, the header ${cols.length}`, 'a Common Voice table is tab-separated, one clip a row');
    return { id: ids.add(clip, where), audio: audioMustExist(join(clips, clip), where), text: cells[textCol] ?? '', kind: 'audio' };
  });
}

export default defineCorpusFormat({
  name: 'common-voice',
  description: 'Mozilla Common Voice: a .tsv with path and sentence columns, the clips in clips/',
  detect: (input, isDir) => (isDir ? existsSync(join(input, 'clips')) && readdirSync(input).some((f) => isCvTable(join(input, f))) : isCvTable(input)),
  read: (input) => ({ cases: readCommonVoice(input), skipped: [] }),
});
