import type { Alignment } from './align.ts';

/**
 * Per-utterance alignments in the layout of NIST sclite's `-o pra` report (its "DUMP OF SYSTEM
 * ALIGNMENT STRUCTURE"), so a user can diff ours against sclite's: utterances grouped by speaker
 * (the id up to its first '_' or '-', sclite's `-i rm` rule; ids lower-cased as sclite writes them) in order of first appearance; per
 * utterance an `id:` line, a Scores line (#C #S #D #I), REF and HYP rows with correct words lower-cased and errors upper-cased
 * (ASCII letters only, as sclite does) and gaps as asterisks, and an Eval row of S/D/I marks.
 * Columns are as wide as their longer word in UTF-8 bytes, which is how sclite pads.
 */
export interface PraUtterance {
  id: string;
  alignment: Alignment;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const upperAscii = (s: string) => s.replace(/[a-z]+/g, (m) => m.toUpperCase());
// sclite lower-cases utterance ids (ASCII letters) in its listings
const lowerAscii = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
const pad = (s: string, width: number) => s + ' '.repeat(Math.max(0, width - bytes(s)) + 1);

export function speakerOf(id: string): string {
  const m = /^[^_-]*/.exec(lowerAscii(id));
  return m![0];
}

export function formatPraUtterance(u: PraUtterance): string {
  const ref: string[] = [];
  const hyp: string[] = [];
  const evl: string[] = [];
  for (const p of u.alignment.pairs) {
    const r = p.ref ?? '*'.repeat(bytes(p.hyp!));
    const h = p.hyp ?? '*'.repeat(bytes(p.ref!));
    const width = Math.max(bytes(r), bytes(h));
    // sclite folds case: correct words in lower case, errors in upper case (ASCII letters only)
    const show = (s: string) => pad(p.op === 'C' ? lowerAscii(s) : upperAscii(s), width);
    ref.push(show(r));
    hyp.push(show(h));
    evl.push(pad(p.op === 'C' ? '' : p.op, width));
  }
  const a = u.alignment;
  const scores = [`id: (${lowerAscii(u.id)})`, `Scores: (#C #S #D #I) ${a.hits} ${a.substitutions} ${a.deletions} ${a.insertions}`];
  // both sides empty: sclite lists the id and its Scores line only
  if (a.pairs.length === 0) return [...scores, ''].join('\n');
  return [
    ...scores,
    `REF:  ${ref.join('')}`,
    `HYP:  ${hyp.join('')}`,
    `Eval: ${evl.join('')}`,
    '',
  ].join('\n');
}

export function formatPra(utts: readonly PraUtterance[], systemName: string): string {
  const speakers = new Map<string, PraUtterance[]>();
  for (const u of utts) {
    const s = speakerOf(u.id);
    if (!speakers.has(s)) speakers.set(s, []);
    speakers.get(s)!.push(u);
  }
  const names = [...speakers.keys()];
  let out = `\n\n\t\tDUMP OF SYSTEM ALIGNMENT STRUCTURE\n\nSystem name:   ${systemName}\n\nSpeakers: \n`;
  out += names.map((s, i) => `${String(i).padStart(5)}:  ${s}\n`).join('');
  out += '\n';
  names.forEach((s, i) => {
    const list = speakers.get(s)!;
    out += `Speaker sentences ${String(i).padStart(3)}:  ${s}   #utts: ${list.length}\n`;
    out += list.map((u) => `${formatPraUtterance(u)}\n`).join('');
  });
  return `${out}\n`;
}
