import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../audio/manifest.ts';
import { FIXTURE_DIR, MANIFEST } from '../io/default-paths.ts';
import { fuzzClips } from './fuzz-clips.ts';

describe('fuzzClips', () => {
  it('takes the speech cases of a manifest, decoded, and nothing else', async () => {
    const speech = readManifest(MANIFEST).filter((c) => c.kind === 'speech');
    expect(speech.length).toBeGreaterThan(0);
    const clips = await fuzzClips(MANIFEST);
    expect(clips.map((c) => c.id)).toEqual(speech.map((c) => c.id));
    for (const c of clips) expect(c.audio.samples.length).toBeGreaterThan(0);
  });

  it('takes every case of a manifest that has no speech', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asr-parity-fuzz-clips-'));
    const manifest = join(dir, 'tones.jsonl');
    writeFileSync(manifest, ['tone-150hz', 'tone-440hz'].map((id) => JSON.stringify({ id, kind: 'tone', audio: `${FIXTURE_DIR}/audio/${id}.wav` })).join('\n'));
    expect((await fuzzClips(manifest)).map((c) => c.id)).toEqual(['tone-150hz', 'tone-440hz']);
  });
});
