import { readGgmlMelFilters, readGgmlTensor, walkGgmlFile } from '../../harness/checkpoint/ggml-file.ts';

/** Every difference between two ggml files, by what differs (empty when equal tensor for tensor). */
export function ggmlDifferences(a: string, b: string): string[] {
  const x = walkGgmlFile(a, { vocab: true });
  const y = walkGgmlFile(b, { vocab: true });
  const out: string[] = [];
  if (JSON.stringify(x.hparams) !== JSON.stringify(y.hparams)) out.push(`hparams ${JSON.stringify(x.hparams)} vs ${JSON.stringify(y.hparams)}`);
  if (x.ftype !== y.ftype) out.push(`ftype ${x.ftype} vs ${y.ftype}`);
  if (!Buffer.from(readGgmlMelFilters(x).data.buffer).equals(Buffer.from(readGgmlMelFilters(y).data.buffer))) out.push('mel filters');
  if (x.vocab!.length !== y.vocab!.length) out.push(`vocabulary of ${x.vocab!.length} vs ${y.vocab!.length} tokens`);
  const badToken = x.vocab!.findIndex((t, i) => !y.vocab![i]?.equals(t));
  if (badToken >= 0) out.push(`token ${badToken}`);
  const byName = new Map(y.tensors.map((t) => [t.name, t]));
  for (const t of x.tensors) {
    const u = byName.get(t.name);
    if (!u) out.push(`tensor ${t.name} missing`);
    else if (u.type !== t.type || u.dims.join() !== t.dims.join()) out.push(`tensor ${t.name}: type ${t.type} dims [${t.dims}] vs type ${u.type} dims [${u.dims}]`);
    else if (!Buffer.from(readGgmlTensor(x, t).buffer).equals(Buffer.from(readGgmlTensor(y, u).buffer))) out.push(`tensor ${t.name}: values differ`);
  }
  if (y.tensors.length !== x.tensors.length) out.push(`${x.tensors.length} vs ${y.tensors.length} tensors`);
  return out;
}
