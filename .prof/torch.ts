import { planBackends } from '../harness/run/plan-backends.ts';
import { loadConfig } from '../harness/config/load-config.ts';
import { loadAudio } from '../harness/audio/load-audio.ts';
const ROOT = '/work/main';
const torch = (name: string, dtype: string) => ({ name, backend: 'worker', model: ROOT + '/fixtures/generated/models/parity-seed1-f32.bin', worker: { command: ['/usr/bin/python3', ROOT + '/workers/torch/worker.py'], cwd: ROOT, device: 'cpu', dtype } });
const base = loadConfig();
const plan = await planBackends({ ...base, backends: [torch('t32', 'float32'), torch('t16', 'bfloat16')] } as any);
const audio = await loadAudio(ROOT + '/fixtures/generated/audio/speech-01.wav');
for (const d of plan.devices) {
  let t = performance.now();
  const l = await d.backend.load(d.options);
  const load = performance.now() - t; t = performance.now();
  const r = await l.transcribe(audio);
  const first = performance.now() - t; t = performance.now();
  await l.transcribe(audio);
  const second = performance.now() - t; t = performance.now();
  await l.forcedLogits!(audio, r.tokens!);
  console.log(d.entry.name, 'load', Math.round(load), 'first', Math.round(first), 'second', Math.round(second), 'forced', Math.round(performance.now() - t));
  l.dispose();
}
