import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSession, fixtureAudio } from './helpers/cli-session.ts';

/**
 * Where a gate command writes: an output that cannot be written is refused before any work
 * (exit 2, one line naming it), and every file written is announced on stderr. The refusals give
 * a manifest that does not exist: an error about the output, not the manifest, shows the
 * outputs were checked before any input was read or backend loaded.
 */
const { tmp, cli, config } = cliSession('asr-parity-outputs-');
const missingManifest = join(tmp, 'no-such-manifest.jsonl');
const lines = (s: string) => s.trim().split('\n').filter(Boolean);

describe('outputs are checked before any work', () => {
  // sysfs takes no new file from anyone, root included (a chmod 555 folder would not stop root, which CI may be)
  it('a folder that takes no new file: exit 2 naming the path, before the inputs are read', async () => {
    const out = '/sys/kernel/asr-parity-report.json';
    const r = await cli('eval-accuracy', '--manifest', missingManifest, '--output', out);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^asr-parity: \/sys\/kernel\/asr-parity-report\.json: cannot be written: the folder \/sys\/kernel does not take new files/);
  });

  it('--markdown under a path whose "folder" is a file: exit 2 naming the path, not ENOENT', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const md = join(file, 'report.md');
    const r = await cli('compare', '--backend', 'cpu-fp16', '--audio', missingManifest, '--markdown', md);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(`${md}: cannot be written: ${file} is a file, not a folder`);
    expect(r.stderr).not.toMatch(/ENOENT|ENOTDIR/);
  });

  it('--output naming a folder: exit 2 before the performance audio is built', async () => {
    const r = await cli('eval-perf', '--output', tmp, '--config', config('bad-fixtures.json', { backends: [{ backend: 'cpu-fp16' }], fixtures: missingManifest }));
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${tmp}: is a folder, not a file`);
  });

  it('a missing parent folder that can be made is fine: the run goes on (and the error is then about the input)', async () => {
    const r = await cli('eval-accuracy', '--manifest', missingManifest, '--output', join(tmp, 'new', 'deeper', 'r.json'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${missingManifest}: not found`);
  });
});

describe('every file written is announced on stderr', () => {
  it("eval-accuracy's default ./eval_accuracy_result.json and every format asked for, each on its own line; skipped inputs counted on the verdict line", async () => {
    const cfg = config('one-case.json', { backends: [{ backend: 'cpu-fp16' }], thresholds: { evidence: 'point' } });
    // a folder: the tone and a note beside it, which is skipped and counted on the verdict line
    const manifest = join(tmp, 'cases');
    mkdirSync(manifest);
    copyFileSync(fixtureAudio('tone-440hz.wav'), join(manifest, 'tone.wav'));
    writeFileSync(join(manifest, 'notes.txt'), 'not audio');
    const r = await cli('eval-accuracy', '--config', cfg, '--manifest', manifest, '--markdown', 'r.md', '--csv', 'r.csv', '--junit', 'r.xml');
    expect([0, 1], r.stderr).toContain(r.exitCode);
    for (const f of ['eval_accuracy_result.json', 'r.md', 'r.html', 'r.csv', 'r.xml']) {
      expect(existsSync(join(tmp, f)), f).toBe(true);
      expect(r.stderr, `${f} not announced`).toMatch(new RegExp(`^asr-parity: wrote ${f.replace('.', '\\.')}$`, 'm'));
    }
    expect(r.stderr).toMatch(/^asr-parity: wrote plots to r-plots$/m);
    expect(r.stdout).toMatch(/^verdict: .*; 1 input\(s\) skipped, not checked \(each with its reason in the report\)$/m);
  });
});
