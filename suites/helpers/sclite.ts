import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** Runs NIST sclite (Debian package sctk, installed by .ci/run) and reads the raw counts of its Sum row: an independent check of our scoring. */
export async function scliteCounts(refs: string[], hyps: string[]) {
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

/** Runs NIST sclite's `-o pra` on utterances with the given ids (sclite's `-i rm` id rule: speaker before the first '_' or '-'); returns its .pra text. */
export async function sclitePra(utts: Array<{ id: string; ref: string; hyp: string }>, systemName = 'hyp.trn'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'asr-parity-sclite-pra-'));
  writeFileSync(join(dir, 'ref.trn'), utts.map((u) => `${u.ref} (${u.id})\n`).join(''));
  writeFileSync(join(dir, systemName), utts.map((u) => `${u.hyp} (${u.id})\n`).join(''));
  // run in the folder: sclite names the system by the hypothesis path as given
  const { stdout } = await execa('sctk', ['sclite', '-r', 'ref.trn', 'trn', '-h', systemName, 'trn', '-i', 'rm', '-o', 'pra', 'stdout'], { cwd: dir, stripFinalNewline: false });
  return stdout;
}
