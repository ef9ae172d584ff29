/**
 * The in-tree worker: serves one backend module (argv[2]) over the worker protocol on
 * stdin/stdout, exactly as an external worker does. If native code in it aborts, segfaults or
 * hangs, only this process dies. stdout carries protocol lines only: console output goes to stderr.
 */
import { createInterface } from 'node:readline';
import type { Backend, BackendOptions, LoadedBackend } from '../../backends/types.ts';
import { encodeFloat32, PROTOCOL_VERSION, schemaProblem, validate, type Request } from '../../backends/worker/protocol.ts';
import { isAsrParityError } from '../errors.ts';
import { moduleUrl } from '../io/module-url.ts';
import { audioFromWire, type InTreeAudio } from './protocol.ts';

const write = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
const send = (m: object) => write(`${JSON.stringify(m)}\n`);

const module = process.argv[2]!;
let loaded: LoadedBackend | undefined;

const backendOf = async () => ((await import(moduleUrl(module))) as { default: Backend }).default;

function current(op: string): LoadedBackend {
  if (!loaded) throw new RangeError(`${op} before load`);
  return loaded;
}

/** Timings a backend could not measure are NaN; the protocol carries only numbers. */
function finiteTimings(t: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => Number.isFinite(v)));
}

async function handle(req: Request): Promise<unknown> {
  switch (req.op) {
    case 'hello':
      return { protocol: PROTOCOL_VERSION, engine: `asr-parity in-tree backend (${module})`, engineVersion: process.version };
    case 'load': {
      const backend = await backendOf();
      loaded = await backend.load(req.options as BackendOptions);
      // tensors are a worker's (a torch engine's hooks): an in-tree backend has none to carry
      const has = { tokens: true, 'forced-logits': Boolean(loaded.forcedLogits), tensors: false, 'device-memory': Boolean(loaded.memory), 'language-detection': Boolean(loaded.detectLanguage), batch: false };
      const capabilities = [...backend.capabilities.filter((c) => has[c]), 'measure'];
      return { loadMs: loaded.loadMs, description: loaded.describe(), capabilities };
    }
    case 'transcribe': {
      const r = await current('transcribe').transcribe(audioFromWire(req.audio as InTreeAudio, 'transcribe'));
      return { ...r, timings: finiteTimings(r.timings) };
    }
    case 'forcedLogits': {
      const rows = await current('forcedLogits').forcedLogits!(audioFromWire(req.audio as InTreeAudio, 'forcedLogits'), req.tokens as number[]);
      const vocab = rows[0]?.length ?? 0;
      const all = new Float32Array(rows.length * vocab);
      rows.forEach((r, i) => all.set(r, i * vocab));
      return { steps: rows.length, vocab, dtype: 'float32', base64: encodeFloat32(all) };
    }
    case 'detectLanguage':
      return current('detectLanguage').detectLanguage!(audioFromWire(req.audio as InTreeAudio, 'detectLanguage'));
    case 'memory':
      return current('memory').memory?.() ?? {};
    case 'measure': {
      // imported here so a worker that only transcribes does not load the benchmark code
      const { measurePerformance } = await import('../bench/measure-performance.ts');
      // availability was answered once, by the process that resolved the backend and started this one
      return measurePerformance({ backend: await backendOf(), options: req.options as BackendOptions, availability: { ok: true } }, {
        audio: audioFromWire(req.audio as InTreeAudio, 'measure'),
        shortAudio: audioFromWire(req.shortAudio as InTreeAudio, 'measure'),
        runs: req.runs as number,
        progress: (m) => send({ id: req.id, progress: m }),
      });
    }
    case 'dispose':
      loaded?.dispose();
      loaded = undefined;
      return null;
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let req: Request;
  try {
    req = JSON.parse(line) as Request;
  } catch {
    process.stderr.write(`asr-parity worker: not JSON: ${line.slice(0, 120)}\n`);
    return;
  }
  if (!validate.request(req)) {
    const bad = req as { id?: unknown; op?: unknown };
    send({ id: typeof bad.id === 'number' ? bad.id : 0, ok: false, error: { code: 'USAGE', input: String(bad.op), problem: `request ${schemaProblem(validate.request)}` } });
    return;
  }
  handle(req).then(
    (value) => send({ id: req.id, ok: true, value: value ?? null }),
    (e: unknown) => {
      const error = isAsrParityError(e) ? { code: e.code, input: e.input, problem: e.problem, hint: e.hint } : { code: 'INFERENCE' as const, input: req.op, problem: `unexpected error: ${(e as Error)?.message ?? String(e)}` };
      send({ id: req.id, ok: false, error: error.hint === undefined ? { code: error.code, input: error.input, problem: error.problem } : error });
    },
  );
});
// end of input: the harness is gone or done
process.stdin.on('end', () => {
  loaded?.dispose();
  process.exit(0);
});
