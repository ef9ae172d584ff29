import { execFileSync } from 'node:child_process';
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

/** NIST sc_stats' MAPSSWE of two systems on word lists (each scored by sclite into SGML, piped into `sc_stats -t mapsswe -v`): its MTCH_PR_RESULTS line and segmentation totals. */
export function scStatsMapsswe(refs: string[][], a: string[][], b: string[][]) {
  const dir = mkdtempSync(join(tmpdir(), 'asr-parity-mapsswe-'));
  const trn = (name: string, rows: string[][]) => writeFileSync(join(dir, name), rows.map((r, i) => `${r.join(' ')} (spk_${String(i).padStart(4, '0')})\n`).join(''));
  trn('ref.trn', refs);
  trn('A.trn', a);
  trn('B.trn', b);
  const sgml = ['A.trn', 'B.trn'].map((h) => execFileSync('sctk', ['sclite', '-r', 'ref.trn', 'trn', '-h', h, 'trn', '-i', 'rm', '-o', 'sgml', 'stdout'], { cwd: dir, encoding: 'utf8' })).join('');
  const out = execFileSync('sctk', ['sc_stats', '-p', '-t', 'mapsswe', '-v', '-n', '-'], { cwd: dir, input: sgml, encoding: 'utf8' });
  const m = /MTCH_PR_RESULTS .*\(# segs: (\d+)\).*\(mean: (-?[\d.]+)\) \(std dev: ([\d.]+)\) \(Z Stat: (-?[\d.]+)\)/.exec(out);
  if (!m) throw new Error(`no MTCH_PR_RESULTS line in sc_stats output:\n${out}`);
  const totals = /Totals\s+(\d+)\s+(\d+)\s+(\d+)/.exec(out)!;
  return { segments: Number(m[1]), mean: Number(m[2]), stdDev: Number(m[3]), z: Number(m[4]), refWords: Number(totals[1]), errorsA: Number(totals[2]), errorsB: Number(totals[3]) };
}
