import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../fixtures/generate.ts';
import { decodeCount } from '../audio/decoded-once.ts';
import { type Case, resolveCases } from '../audio/manifest.ts';
import { accuracyCases, accuracySelection } from './accuracy-cases.ts';

const c = (id: string, kind: string): Case => ({ id, audio: `${id}.wav`, text: '', kind });
const list = { cases: [c('a', 'speech'), c('b', 'long'), c('c', 'tone'), c('d', 'speech')], skipped: [{ path: 'x.txt', reason: 'not audio' }] };

describe('accuracyCases', () => {
  it('drops the long cases, keeps the order and the skipped inputs', () => {
    expect(accuracyCases(list)).toEqual({ cases: [c('a', 'speech'), c('c', 'tone'), c('d', 'speech')], skipped: list.skipped });
  });

  it('takes the first `limit` cases after dropping the long ones', () => {
    expect(accuracyCases(list, 2).cases.map((x) => x.id)).toEqual(['a', 'c']);
  });
});

describe('accuracySelection as resolveCases select: only the cases a run uses are decoded', () => {
  // a manifest whose third case is not audio: a run on its first two neither decodes nor refuses it
  const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-select-'));
  const bad = join(tmp, 'not-audio.wav');
  writeFileSync(bad, 'this is not a WAV file\n');
  const manifest = join(tmp, 'cases.jsonl');
  const rows = [
    { id: 's1', audio: join(FIXTURE_DIR, 'audio', 'speech-01.wav'), kind: 'speech' },
    { id: 'long', audio: join(FIXTURE_DIR, 'audio', 'speech-02.wav'), kind: 'long' },
    { id: 't1', audio: join(FIXTURE_DIR, 'audio', 'tone-440hz.wav'), kind: 'tone' },
    { id: 'bad', audio: bad, kind: 'speech' },
  ];
  writeFileSync(manifest, rows.map((r) => JSON.stringify(r)).join('\n'));

  it('decodes the selected cases and no other, and a bad case outside the selection is not an error', async () => {
    const before = decodeCount();
    const list = await resolveCases(manifest, { select: accuracySelection(2) });
    expect(list.cases.map((x) => x.id)).toEqual(['s1', 't1']);
    expect(decodeCount() - before).toBe(2);
  });

  it('a bad case inside the selection is still refused before any backend loads', async () => {
    await expect(resolveCases(manifest, { select: accuracySelection() })).rejects.toThrow(/not-audio\.wav/);
  });
});
