import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../fixtures/generate.ts';
import { resolveCases } from './manifest.ts';

/** A folder walk knows audio by its content: the README promises a WAV is a WAV whatever it is called. */
describe('a folder walk', () => {
  it('takes a valid WAV without an audio extension, and skips a text file and a WAV header with nothing valid after it, each with why', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'asr-parity-walk-'));
    mkdirSync(join(folder, 'takes'));
    copyFileSync(join(FIXTURE_DIR, 'audio/speech-03.wav'), join(folder, 'takes', 'take1'));
    copyFileSync(join(FIXTURE_DIR, 'audio/tone-440hz.wav'), join(folder, 'tone.WAV'));
    writeFileSync(join(folder, 'notes'), 'not audio at all');
    writeFileSync(join(folder, 'fake.dat'), Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVE', 'latin1'), Buffer.from('junk')]));
    const r = await resolveCases(folder);
    expect(r.cases.map((c) => c.id)).toEqual(['takes/take1', 'tone.WAV']);
    const skipped = Object.fromEntries(r.skipped.map((s) => [s.path.slice(folder.length + 1), s.reason]));
    expect(skipped.notes).toBe('not an audio file by its extension or its first bytes');
    // tried as a WAV for its first bytes, and refused by the WAV reader with its own reason
    expect(skipped['fake.dat']).toMatch(/WAV|RIFF|chunk|fmt/i);
    expect(Object.keys(skipped).sort()).toEqual(['fake.dat', 'notes']);
  });
});
