import { closeSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARITY_MODELS } from '../io/default-paths.ts';
import { openHfWhisperFolder } from './hf-whisper-folder.ts';

/**
 * What the folder reader refuses and what it accepts, one field at a time, on copies of the
 * generated Hugging Face fixture (every file a link but the one edited). Opening reads headers and
 * JSON only. Issue 24's fresh-eyes audit found each of these passing every test when broken.
 */
const HF = PARITY_MODELS.hfSeed1;
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-hf-folder-'));
let n = 0;
type Weights = { header: Buffer; size: number };
/** A copy of the fixture folder with some files replaced (null: left out; a link where a path is given). */
function folder(replace: Record<string, string | Weights | { link: string } | null>): string {
  const dir = mkdtempSync(join(tmp, `f${n++}-`));
  for (const f of readdirSync(HF)) if (!(f in replace)) symlinkSync(join(HF, f), join(dir, f));
  for (const [f, v] of Object.entries(replace)) {
    if (v === null) continue;
    if (typeof v === 'string') writeFileSync(join(dir, f), v);
    else if ('link' in v) symlinkSync(v.link, join(dir, f));
    else {
      // the header, then zeros to the size the header's offsets need: opening reads headers and sizes only
      writeFileSync(join(dir, f), v.header);
      truncateSync(join(dir, f), v.size);
    }
  }
  return dir;
}
const json = (f: string) => JSON.parse(readFileSync(join(HF, f), 'utf8')) as Record<string, unknown>;
/** The fixture's safetensors header (JSON) and its file's size: the data is never read. */
function weightsHeader(): { header: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>; len: number; size: number } {
  const path = join(HF, 'model.safetensors');
  const fd = openSync(path, 'r');
  try {
    const l = Buffer.alloc(8);
    readSync(fd, l, 0, 8, 0);
    const len = Number(l.readBigUInt64LE(0));
    const h = Buffer.alloc(len);
    readSync(fd, h, 0, len, 8);
    return { header: JSON.parse(h.toString()), len, size: statSync(path).size };
  } finally {
    closeSync(fd);
  }
}
/** The fixture's safetensors header edited, and the size of a file that holds it and the same data area. */
function editedWeights(edit: (h: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>) => Record<string, unknown>): Weights {
  const w = weightsHeader();
  const header = Buffer.from(JSON.stringify(edit(w.header)));
  const l = Buffer.alloc(8);
  l.writeBigUInt64LE(BigInt(header.length));
  return { header: Buffer.concat([l, header]), size: 8 + header.length + (w.size - 8 - w.len) };
}

describe('an HF Whisper folder: every field checked against the others', () => {
  const fixture = openHfWhisperFolder(HF);
  it('the fixture opens', () => expect(fixture.tensors.size).toBeGreaterThan(0));

  // a few tokens stand for the vocabulary where only its ids matter (vocab_size bounds it from above only)
  it('vocab.json ids with a gap (one id past the end) are refused, naming the token', () => {
    expect(() => openHfWhisperFolder(folder({ 'vocab.json': JSON.stringify({ a: 0, b: 1, c: 3 }) }))).toThrow(/vocab\.json: token "c" has id 3: the ids are not 0\.\.2, each once/);
  });

  it("<|endoftext|> in vocab.json (where transformers keeps it) is left out of the ggml vocabulary, as convert-h5-to-ggml.py does", () => {
    // the generated fixture keeps it in added_tokens.json only, so this path needs its own folder
    expect(json('vocab.json')).not.toHaveProperty('<|endoftext|>');
    const f = openHfWhisperFolder(folder({ 'vocab.json': JSON.stringify({ a: 0, 'Ġb': 1, '<|endoftext|>': 2 }) }));
    expect(f.vocab.map((t) => t.toString('latin1')), 'the text tokens only, as raw bytes').toEqual(['a', ' b']);
  });

  it('a vocabulary longer than vocab_size is refused', () => {
    const v = json('vocab.json') as Record<string, number>;
    const vocabSize = json('config.json').vocab_size as number;
    // text tokens 0..vocab_size: one more than the config allows (each spelled with GPT-2's printable alphabet)
    const bigger: Record<string, number> = {};
    for (let id = 0; id <= vocabSize; id++) bigger[`t${id.toString(36)}`] = id;
    expect(Object.keys(v).length).toBeLessThan(vocabSize);
    expect(() => openHfWhisperFolder(folder({ 'vocab.json': JSON.stringify(bigger) }))).toThrow(new RegExp(`vocab\\.json: ${vocabSize + 1} tokens, more than config\\.json's vocab_size ${vocabSize}`));
  });

  it("preprocessor_config.json's feature_size must equal num_mel_bins, larger or smaller", () => {
    const bins = json('config.json').num_mel_bins as number;
    for (const size of [bins + 8, bins - 8]) expect(() => openHfWhisperFolder(folder({ 'preprocessor_config.json': JSON.stringify({ ...json('preprocessor_config.json'), feature_size: size }) })), `feature_size ${size}`).toThrow(new RegExp(`feature_size ${size} differs from config\\.json's num_mel_bins ${bins}`));
  });

  it('decoder heads that do not divide d_model are refused (as encoder heads are)', () => {
    const c = json('config.json');
    expect(() => openHfWhisperFolder(folder({ 'config.json': JSON.stringify({ ...c, decoder_attention_heads: 3 }) }))).toThrow(/config\.json: d_model 128 is not a multiple of the attention heads \(2, 3\)/);
  });

  it("a WhisperModel checkpoint (keys without the `model.` prefix) opens with the same tensors", () => {
    const bare = editedWeights((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.replace(/^model\./, ''), v])));
    const f = openHfWhisperFolder(folder({ 'model.safetensors': bare }));
    expect([...f.tensors.keys()]).toEqual([...fixture.tensors.keys()]);
    expect(f.tensors.get('encoder.conv1.weight')!.entry.name).toBe('encoder.conv1.weight');
  });

  it("a tensor the index's weight_map puts in a shard that lacks it is refused, naming that shard", () => {
    const name = 'model.decoder.layer_norm.bias';
    const a = editedWeights((h) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== name)));
    const all = [...fixture.tensors.values()].map((t) => t.entry.name);
    // shard b holds every tensor; the index says `name` is in shard a, which lacks it
    const weightMap = Object.fromEntries(all.map((k) => [k, k === name ? 'model-a.safetensors' : 'model-b.safetensors']));
    const dir = folder({ 'model.safetensors': null, 'model-a.safetensors': a, 'model-b.safetensors': { link: join(HF, 'model.safetensors') }, 'model.safetensors.index.json': JSON.stringify({ weight_map: weightMap }) });
    expect(() => openHfWhisperFolder(dir)).toThrow(/model-a\.safetensors: tensor model\.decoder\.layer_norm\.bias is missing/);
  });
});
