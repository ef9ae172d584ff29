/**
 * The child side of an isolated backend: loads one backend module and serves calls over IPC.
 * If native code in it aborts, segfaults or hangs, only this process dies.
 */
import { pathToFileURL } from 'node:url';
import type { Backend, BackendOptions, LoadedBackend } from '../../backends/types.ts';
import { isAsrParityError } from '../errors.ts';
import type { WorkerProgress, WorkerRequest, WorkerResponse } from './protocol.ts';

let loaded: LoadedBackend | undefined;

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'load': {
      const mod = (await import(pathToFileURL(req.module).href)) as { default: Backend };
      loaded = await mod.default.load(req.options as BackendOptions);
      return { loadMs: loaded.loadMs, description: loaded.describe(), capabilities: { forcedLogits: Boolean(loaded.forcedLogits), memory: Boolean(loaded.memory) } };
    }
    case 'transcribe':
      return loaded!.transcribe(req.audio);
    case 'forcedLogits':
      return loaded!.forcedLogits!(req.audio, req.tokens);
    case 'memory':
      return loaded!.memory?.() ?? null;
    case 'measure': {
      // imported here so a worker that only transcribes does not load the benchmark code
      const { measurePerformance } = await import('../bench/measure-performance.ts');
      const mod = (await import(pathToFileURL(req.module).href)) as { default: Backend };
      return measurePerformance(mod.default, req.options as BackendOptions, { audio: req.audio, shortAudio: req.shortAudio, runs: req.runs, progress: (m) => process.send!({ id: req.id, progress: m } satisfies WorkerProgress) });
    }
    case 'dispose':
      loaded?.dispose();
      loaded = undefined;
      return null;
  }
}

process.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (value) => process.send!({ id: req.id, ok: true, value } satisfies WorkerResponse),
    (e: unknown) => {
      const error = isAsrParityError(e) ? { code: e.code, input: e.input, problem: e.problem, hint: e.hint } : { code: 'INFERENCE' as const, input: req.op, problem: `unexpected error: ${(e as Error)?.message ?? String(e)}` };
      process.send!({ id: req.id, ok: false, error } satisfies WorkerResponse);
    },
  );
});
process.on('disconnect', () => process.exit(0));
