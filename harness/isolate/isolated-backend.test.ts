import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendModules, backends } from '../../backends/index.ts';
import { FIXTURE_DIR } from '../../fixtures/generate.ts';
import { loadAudio } from '../audio/load-audio.ts';
import { isAsrParityError } from '../errors.ts';
import { loadIsolated } from './isolated-backend.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'asr-parity-isolate-'));
// inside the repository so the modules resolve its node_modules; fixtures/generated is not tracked
const modules = join(FIXTURE_DIR, 'isolation-tests');
mkdirSync(modules, { recursive: true });
const speech = await loadAudio(join(FIXTURE_DIR, 'audio/speech-03.wav'));

/** Backends whose native code misbehaves for real, each in its own module as an isolated process loads them. */
function misbehaving(name: string, transcribeBody: string): string {
  const f = join(modules, `${name}.ts`);
  writeFileSync(
    f,
    `import koffi from 'koffi';
import cpu from '${ROOT}/backends/cpu-fp32.ts';
const libc = koffi.load('libc.so.6');
export default { ...cpu, name: '${name}', async load(o) {
  const inner = await cpu.load(o);
  return { ...inner, async transcribe(audio) { ${transcribeBody} } };
} };
`,
  );
  return f;
}

// concurrent: the hang tests wait out their timeouts while the others work, not after them
describe.concurrent('a backend in its own process', () => {
  it('transcribes exactly as it does in-process, and its typed errors cross the boundary', async () => {
    // the same backend loaded in this process is the reference: same text, same tokens, same logits
    const local = await backends['cpu-fp32']!.load({});
    const b = await loadIsolated('cpu-fp32', backendModules['cpu-fp32']!, {}, { callTimeoutMs: 60_000 });
    try {
      const expected = await local.transcribe(speech);
      const t = await b.transcribe(speech);
      expect(t.text).toBe(expected.text);
      expect(t.tokens).toEqual(expected.tokens);
      const expectedLogits = await local.forcedLogits!(speech, expected.tokens!);
      const logits = await b.forcedLogits!(speech, expected.tokens!);
      expect(logits).toHaveLength(expectedLogits.length);
      logits.forEach((v, i) => expect(v, `step ${i}`).toEqual(expectedLogits[i]));
      expect(b.describe()).toMatchObject({ ...local.describe(), isolated: true });
    } finally {
      local.dispose();
      b.dispose();
    }
    const err = await loadIsolated('cpu-fp32', backendModules['cpu-fp32']!, { model: join(tmp, 'missing.bin') }, { callTimeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(isAsrParityError(err) && err.code).toBe('MODEL');
  });

  it('turns a real whisper.cpp abort (GGML_ASSERT on a token outside the vocabulary) into an error, and the run goes on', async () => {
    // the public forcedLogits refuses such tokens; the private step under it is what a broken port would reach
    const module = join(modules, 'aborts.ts');
    writeFileSync(
      module,
      `import cpu from '${ROOT}/backends/cpu-fp32.ts';
import { loadWhisperLibrary } from '${ROOT}/backends/whisper-cpp/engine/whisper-library.ts';
import { defaultCpuLibrary } from '${ROOT}/backends/whisper-cpp/engine/cpu-engine.ts';
import { WhisperModel } from '${ROOT}/backends/whisper-cpp/engine/whisper-model.ts';
import { PARITY_MODELS } from '${ROOT}/fixtures/generate.ts';
export default { ...cpu, name: 'aborts', async load() {
  const m = WhisperModel.load(loadWhisperLibrary(defaultCpuLibrary()), PARITY_MODELS.fp32);
  return { loadMs: m.loadMs, describe: () => ({ backend: 'aborts' }), dispose: () => m.free(),
    async transcribe(audio) { return m.runForced(audio.samples, [10_000_000], { threads: 1, language: 'en', noTimestamps: true }); } };
} };
`,
    );
    const b = await loadIsolated('aborts', module, {}, { callTimeoutMs: 60_000 });
    const err = await b.transcribe(speech).catch((e: Error) => e);
    expect(isAsrParityError(err)).toBe(true);
    expect((err as Error).message).toMatch(/aborts: backend process died \(SIGABRT\) during transcribe; last stderr: .*(WSP_)?GGML_ASSERT\(i01 >= 0 && i01 < ne01\) failed/);
    await expect(b.transcribe(speech)).rejects.toThrow(/SIGABRT/);
    b.dispose();
  });

  it('turns a segfault into an error', async () => {
    const b = await loadIsolated('segfaults', misbehaving('segfaults', `libc.func('int raise(int)')(11); return { text: '', timings: { totalMs: 1 } };`), {}, { callTimeoutMs: 60_000 });
    await expect(b.transcribe(speech)).rejects.toThrow(/segfaults: backend process died \(SIGSEGV\) during transcribe/);
    b.dispose();
  });

  it('kills a backend that hangs in native code after the call timeout', async () => {
    // the short call timeout is for the hanging call only: start-up and load have their own
    // (generous) bound, so a loaded machine that starts the process slowly does not trip it
    const b = await loadIsolated('hangs', misbehaving('hangs', `libc.func('unsigned int sleep(unsigned int)')(600); return { text: '', timings: { totalMs: 1 } };`), {}, { callTimeoutMs: 1500 });
    // sleep(600) outlasts the test's own timeout: only the kill lets this settle
    // and says which setting to raise: the isolation's, in the config
    await expect(b.transcribe(speech)).rejects.toThrow(/hangs: transcribe took longer than 1500 ms; the backend process was killed.*\(raise "isolation": \{"callTimeoutMs"\} in the config, or look for a hang in the backend\)/);
    await expect(b.transcribe(speech)).rejects.toThrow(/killed/);
    b.dispose();
  });

  it('kills a backend whose load hangs after the load timeout', async () => {
    const module = join(modules, 'load-hangs.ts');
    writeFileSync(
      module,
      `import koffi from 'koffi';
import cpu from '${ROOT}/backends/cpu-fp32.ts';
export default { ...cpu, name: 'load-hangs', async load() { koffi.load('libc.so.6').func('unsigned int sleep(unsigned int)')(600); throw new Error('unreachable'); } };
`,
    );
    // the bound covers start-up (hello) too: long enough for a loaded machine to start Node, far short of the hang
    const err = await loadIsolated('load-hangs', module, {}, { callTimeoutMs: 0, loadTimeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(isAsrParityError(err)).toBe(true);
    expect((err as Error).message).toMatch(/load-hangs: load took longer than 20000 ms; the backend process was killed/);
  });
});
