import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timeChild, type ChildTime } from './child-time.ts';
import { trnCorpus } from './trn-corpus.ts';

/**
 * `asr-parity score` against NIST sclite (`sctk sclite`, Debian package sctk) on a generated
 * trn pair: the same files, one after the other, our command as a user runs it (start-up
 * included). sclite aligns words, or characters with -c, one per run; ours gives WER and CER in
 * one. The counts must agree (they are compared, and the result says so), or the speed means
 * nothing.
 */
export interface ScoreBenchSize {
  utterances: number;
  refWords: number;
  ours: Timing & { wer: number; cer: number };
  scliteWer: Timing & { wer: number } | null;
  scliteCer: Timing & { cer: number } | null;
  /** Word counts (S, D, I, words) and the CER fraction equal to sclite's. */
  identical: { wer: boolean | null; cer: boolean | null };
  /** Our CPU time (WER and CER) over sclite's for WER alone, and over sclite's WER and CER runs together. */
  cpuRatio: { toScliteWer: number | null; toScliteWerAndCer: number | null };
  wallRatio: { toScliteWer: number | null; toScliteWerAndCer: number | null };
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

const timing = (t: ChildTime): Timing => ({ wallMs: Math.round(t.wallMs), cpuMs: t.cpuMs });

/** sclite's rsum Sum row: | Sum | utts words | corr sub del ins err serr |. */
function scliteSum(out: string): { units: number; hits: number; sub: number; del: number; ins: number; errors: number } {
  const row = out.split('\n').find((l) => /^\s*\|\s*Sum\s*\|/.test(l));
  if (!row) throw new Error(`sclite printed no Sum row:\n${out.slice(0, 2000)}`);
  const n = row.replace(/[|]/g, ' ').trim().split(/\s+/).slice(1).map(Number);
  return { units: n[1]!, hits: n[2]!, sub: n[3]!, del: n[4]!, ins: n[5]!, errors: n[6]! };
}

export function scoreBench(o: { root: string; scratch: string; utterances: number; cer: boolean; sclite: boolean; progress?: (m: string) => void }): ScoreBenchSize {
  const c = trnCorpus(o.utterances);
  const ref = join(o.scratch, `ref-${o.utterances}.trn`);
  const hyp = join(o.scratch, `hyp-${o.utterances}.trn`);
  writeFileSync(ref, c.ref);
  writeFileSync(hyp, c.hyp);
  o.progress?.(`score: asr-parity on ${o.utterances} utterances`);
  const t = timeChild(process.execPath, [join(o.root, 'bin/asr-parity.mjs'), 'score', '--ref', ref, '--hyp', hyp, '--json'], { cwd: o.root });
  if (t.status !== 0) throw new Error(`asr-parity score exited ${t.status}: ${t.stderr.trim()}`);
  const j = JSON.parse(t.stdout) as { wer: number; cer: number; substitutions: number; deletions: number; insertions: number; refWords: number };
  const ours = { ...timing(t), wer: j.wer, cer: j.cer };
  const sclite = (extra: string[]) => {
    const s = timeChild('sctk', ['sclite', '-r', ref, 'trn', '-h', hyp, 'trn', '-i', 'rm', ...extra, '-o', 'rsum', 'stdout']);
    if (s.status !== 0) throw new Error(`sctk sclite exited ${s.status}: ${s.stderr.trim()}`);
    return { t: s, sum: scliteSum(s.stdout) };
  };
  let scliteWer = null;
  let scliteCer = null;
  const identical: ScoreBenchSize['identical'] = { wer: null, cer: null };
  if (o.sclite) {
    o.progress?.(`score: sclite (words) on ${o.utterances} utterances`);
    const w = sclite([]);
    scliteWer = { ...timing(w.t), wer: w.sum.errors / w.sum.units };
    identical.wer = w.sum.units === j.refWords && w.sum.sub === j.substitutions && w.sum.del === j.deletions && w.sum.ins === j.insertions;
    if (o.cer) {
      o.progress?.(`score: sclite -c (characters) on ${o.utterances} utterances`);
      const ch = sclite(['-c']);
      scliteCer = { ...timing(ch.t), cer: ch.sum.errors / ch.sum.units };
      identical.cer = scliteCer.cer === j.cer;
    }
  }
  const ratio = (a: number, b: number | undefined) => (b ? a / b : null);
  const both = (k: 'cpuMs' | 'wallMs') => (scliteWer && scliteCer ? scliteWer[k] + scliteCer[k] : undefined);
  return {
    utterances: o.utterances,
    refWords: c.refWords,
    ours,
    scliteWer,
    scliteCer,
    identical,
    cpuRatio: { toScliteWer: ratio(ours.cpuMs, scliteWer?.cpuMs), toScliteWerAndCer: ratio(ours.cpuMs, both('cpuMs')) },
    wallRatio: { toScliteWer: ratio(ours.wallMs, scliteWer?.wallMs), toScliteWerAndCer: ratio(ours.wallMs, both('wallMs')) },
  };
}
