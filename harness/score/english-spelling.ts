/**
 * British to American spelling: a word list for irregular cases and suffix rules for the
 * regular families (-isation, -ise, -our, -tre, -ogue, -ence/-ense), each checked against a
 * short exception list so words like "rise" or "four" stay as they are.
 */
const WORDS: Record<string, string> = {
  cancelation: 'cancellation', cancelations: 'cancellations', travelled: 'traveled', travelling: 'traveling', traveller: 'traveler',
  cancelled: 'canceled', cancelling: 'canceling', modelling: 'modeling', labelled: 'labeled', labelling: 'labeling',
  grey: 'gray', greys: 'grays', tyre: 'tire', tyres: 'tires', aluminium: 'aluminum', programme: 'program', programmes: 'programs',
  cheque: 'check', cheques: 'checks', defence: 'defense', offence: 'offense', licence: 'license', practise: 'practice',
  jewellery: 'jewelry', plough: 'plow', manoeuvre: 'maneuver', paediatric: 'pediatric', encyclopaedia: 'encyclopedia',
  ageing: 'aging', judgement: 'judgment', enrol: 'enroll', fulfil: 'fulfill', skilful: 'skillful', pyjamas: 'pajamas',
};
const OUR_WORDS = ['colour', 'flavour', 'honour', 'humour', 'labour', 'neighbour', 'favour', 'behaviour', 'harbour', 'rumour', 'vapour', 'savour', 'armour', 'endeavour', 'odour', 'vigour', 'parlour'];
const TRE_WORDS = ['centre', 'metre', 'litre', 'theatre', 'fibre', 'calibre', 'sombre', 'spectre', 'kilometre', 'centimetre', 'millimetre'];
const ISE_KEEP = new Set(['rise', 'wise', 'raise', 'praise', 'noise', 'poise', 'advise', 'exercise', 'surprise', 'supervise', 'televise', 'advertise', 'promise', 'premise', 'expertise', 'franchise', 'compromise', 'despise', 'devise', 'revise', 'otherwise', 'likewise', 'clockwise', 'concise', 'precise', 'treatise', 'enterprise', 'disguise', 'merchandise', 'improvise', 'chastise', 'cruise', 'bruise', 'arise', 'demise', 'excise', 'incise', 'comprise', 'apprise', 'size', 'prize', 'seize']);

export function britishToAmerican(word: string): string {
  if (word in WORDS) return WORDS[word]!;
  for (const w of OUR_WORDS) if (word.startsWith(w)) return w.slice(0, -3) + 'or' + word.slice(w.length);
  for (const w of TRE_WORDS) if (word === w || word === `${w}s`) return w.slice(0, -2) + 'er' + word.slice(w.length);
  const m = /^(.{3,})is(e|es|ed|ing|ation|ations|er|ers)$/.exec(word);
  if (m && !ISE_KEEP.has(`${m[1]}ise`) && !ISE_KEEP.has(word)) return `${m[1]}iz${m[2]}`;
  const logue = /^(ana|cata|dia|mono|pro|epi|dia)logue(s?)$/.exec(word);
  if (logue) return `${logue[1]}log${logue[2]}`;
  return word;
}
