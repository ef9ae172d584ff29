import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../../harness/audio/wav.ts';
import { processMemory } from '../../harness/io/proc-figures.ts';
import type { Audio16k } from '../../harness/audio/decoded-audio.ts';
import type { Attestation, Capability, DeviceMemory, LoadedBackend, ProcessMemory } from '../types.ts';
import { decodeFloat32, encodeFloat32, logitRows, type DetectLanguageValue, type ForcedLogitsValue, type LoadValue, type TensorsValue, type TranscribeBatchValue, type TranscribeValue, type WireAudio } from './protocol.ts';
import { fallbackCollector } from './fallback-warnings.ts';
import { WorkerProcess, type WorkerLaunch } from './worker-process.ts';

export interface WorkerSession {
  /** What load sends: model, device, dtype, threads, language, options (the worker's own). */
  load: Record<string, unknown>;
  /** How audio travels: a 16 kHz mono float32 WAV the harness writes, or the samples inline. */
  audio: 'path' | 'samples';
  /** Facts put before the worker's own description (the backend's name, for one). */
  identity?: Record<string, string | number | boolean>;
}

/** A loaded backend whose every call is a request to a worker process; what the worker and the in-tree isolation share. */
export type WorkerBackend = LoadedBackend & { capabilities: readonly Capability[]; process: WorkerProcess };

/** Starts a worker, says hello, loads its model; the process is killed if any of it fails. */
export async function loadWorker(launch: WorkerLaunch, s: WorkerSession): Promise<WorkerBackend> {
  const { proc, hello } = await WorkerProcess.start(launch);
  // from load on: an operator without a kernel on the device warns when it first runs, at load or on any later call
  const fallbacks = fallbackCollector();
  proc.onStderrLine((l) => fallbacks.see(l));
  // the worker's own memory before its model: started, libraries imported
  const beforeLoad = proc.pid === undefined ? null : processMemory(proc.pid);
  let info: LoadValue;
  try {
    info = await proc.call<LoadValue>('load', s.load, { timeoutMs: launch.loadTimeoutMs });
  } catch (e) {
    proc.close();
    throw e;
  }
  const caps = (info.capabilities ?? []).filter((c): c is Capability => c !== 'measure');
  let tmp: string | undefined;
  let n = 0;
  const wire = (a: Audio16k): { audio: WireAudio; done: () => void } => {
    if (s.audio === 'samples') return { audio: { samples: encodeFloat32(a.samples), sampleRate: 16000, source: a.source }, done: () => undefined };
    tmp ??= mkdtempSync(join(tmpdir(), 'asr-parity-worker-'));
    const path = join(tmp, `audio-${++n}.wav`);
    // float32 WAV: the worker gets the very samples the other backends get, not a 16-bit rounding of them
    writeFileSync(path, encodeWav(a.samples, 16000, 'float32'));
    return { audio: { path }, done: () => rmSync(path, { force: true }) };
  };
  const sent = async <T>(a: Audio16k, f: (audio: WireAudio) => Promise<T>): Promise<T> => {
    const w = wire(a);
    try {
      return await f(w.audio);
    } finally {
      w.done();
    }
  };
  let memory: DeviceMemory = {};
  const refreshMemory = async () => {
    if (caps.includes('device-memory')) memory = await proc.call<DeviceMemory>('memory');
  };
  // what it says it ran on (its description, and the device and dtype of its parameters where it reads them back) against what load asked for
  const attested: Attestation[] = [];
  const d = info.description;
  for (const [field, asked] of [
    ['device', s.load.device],
    ['dtype', s.load.dtype],
  ] as const) {
    if (typeof asked !== 'string') continue;
    const paramField = field === 'device' ? 'parameterDevice' : 'parameterDtype';
    for (const k of [field, paramField]) if (d[k] !== undefined && String(d[k]) !== asked) attested.push({ what: field, message: `${k} is ${String(d[k])}, ${asked} was asked for` });
  }
  return {
    process: proc,
    capabilities: caps,
    attestation: () => [
      ...attested,
      ...fallbacks.lines().map((l): Attestation => ({ what: 'fallback-warning', message: `fallback warning on its stderr: ${l}` })),
      ...(fallbacks.more() ? [{ what: 'fallback-warning' as const, message: `${fallbacks.more()} more distinct fallback warnings on its stderr` }] : []),
    ],
    loadMs: info.loadMs,
    processId: () => proc.pid,
    describe: () => ({ ...info.description, ...s.identity }),
    async transcribe(audio) {
      const r = await sent(audio, (a) => proc.call<TranscribeValue>('transcribe', { audio: a }));
      await refreshMemory();
      return r;
    },
    transcribeBatch: caps.includes('batch')
      ? async (audios) => {
          const ws = audios.map(wire);
          try {
            return (await proc.call<TranscribeBatchValue>('transcribeBatch', { audios: ws.map((w) => w.audio) })).results;
          } finally {
            for (const w of ws) w.done();
          }
        }
      : undefined,
    forcedLogits: caps.includes('forced-logits') ? (audio, tokens) => sent(audio, async (a) => logitRows(await proc.call<ForcedLogitsValue>('forcedLogits', { audio: a, tokens }))) : undefined,
    tensors: caps.includes('tensors')
      ? (audio, tokens, request) =>
          sent(audio, async (a) => {
            const v = await proc.call<TensorsValue>('tensors', { audio: a, tokens, ...request });
            return { ...v, tensors: v.tensors.map(({ values, ...t }) => ({ ...t, ...(values === undefined ? {} : { values: decodeFloat32(values) }) })) };
          })
      : undefined,
    detectLanguage: caps.includes('language-detection') ? (audio) => sent(audio, (a) => proc.call<DetectLanguageValue>('detectLanguage', { audio: a })) : undefined,
    memory: caps.includes('device-memory') ? () => memory : undefined,
    processMemory(): ProcessMemory | undefined {
      const now = proc.pid === undefined ? null : processMemory(proc.pid);
      return now && beforeLoad ? { rssBeforeLoadBytes: beforeLoad.rssBytes, ...now } : undefined;
    },
    ended: () => proc.ended,
    dispose() {
      proc.close();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
      tmp = undefined;
    },
  };
}
