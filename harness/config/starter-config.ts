import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './load-config.ts';
import { thresholdDefaults } from './threshold-table.ts';
import { UsageError } from '../errors.ts';

/** What `asr-parity init` is told: where to write, and the models, backend and test set to name. */
export interface StarterOptions {
  output: string;
  force?: boolean;
  model?: string;
  baselineModel?: string;
  deviceBackend: string;
  fixtures?: string;
}

const SCHEMA = fileURLToPath(new URL('./config.schema.json', import.meta.url));

/** A path as the config will hold it: relative to the config file's folder, where the loader resolves it. */
const fromConfig = (configFile: string, p: string) => relative(dirname(resolve(configFile)), resolve(p)) || '.';

/**
 * The starter config: every field the gate reads, with what it means beside it. JSON has no
 * comments, so the notes are "$comment" fields, which the schema allows and the loader drops.
 */
export function starterConfig(o: StarterOptions): object {
  const noModel = ' Set "model" to its ggml file or its Hugging Face Whisper folder (relative to this file; a folder is converted once for whisper.cpp); without it the generated test model is used, which only tests the harness.';
  const schema = fromConfig(o.output, SCHEMA);
  return {
    // an editor that reads "$schema" completes and checks the fields; relative, so the file can move
    // with its project (an absolute path names one machine's install)
    $schema: schema,
    $comment: [
      'Starter config written by `asr-parity init`. JSON has no comments: notes are "$comment" fields, which asr-parity ignores.',
      'The gate: each device backend in "backends" transcribes the fixtures and is compared with the baseline against "thresholds". README "The gate" explains every field; harness/config/config.schema.json lists them.',
      'Next: `asr-parity backends` (can each backend run here, and why not), then `asr-parity eval-accuracy --output results/accuracy.json` and `asr-parity eval-perf --output results/perf.json`.',
      o.fixtures ? 'fixtures: your test set, a JSONL manifest ({"audio": "a.wav", "text": "what was said"} per line, paths relative to it).' : 'fixtures: add "fixtures": "my-cases.jsonl", a JSONL manifest of your test set ({"audio": "a.wav", "text": "what was said"} per line, paths relative to it); without it, the generated fixtures are used.',
    ],
    baseline: {
      $comment: `The reference: your model in fp32 on the CPU.${o.baselineModel ? '' : noModel}`,
      backend: 'cpu-fp32',
      ...(o.baselineModel ? { model: fromConfig(o.output, o.baselineModel) } : {}),
    },
    backends: [
      {
        $comment: `The port under test. "cann-fp16" is an Ascend NPU (a libwhisper built with -DGGML_CANN=1, named by "library"), "cuda-fp16" an NVIDIA GPU, "cpu-fp16" fp16 on the CPU; \`asr-parity backends\` lists every backend. It is required: if it cannot run, the gate fails. Add "optional": true only for a backend this machine may lack.${o.model ? '' : noModel}`,
        backend: o.deviceBackend,
        ...(o.model ? { model: fromConfig(o.output, o.model) } : {}),
      },
    ],
    ...(o.fixtures ? { fixtures: fromConfig(o.output, o.fixtures) } : {}),
    normalizer: 'english',
    thresholds: {
      $comment: 'Rates are fractions (0.01 is 1%). evidence "bound": the 95% confidence bounds must meet the thresholds, so a small test set fails as insufficient evidence (a 99% exact-match claim needs 299 utterances); "point" judges the observed values and says so in the report.',
      // the schema's defaults, the ones the README states and a config without thresholds gets
      ...thresholdDefaults(),
    },
    performance: {
      $comment: 'eval-perf: warm runs on audioSeconds of speech; P90 needs 29 runs and P99 299 before they are printed as known.',
      audioSeconds: 30,
      shortAudioSeconds: 10,
      runs: 30,
    },
    results: 'results',
  };
}

/** `asr-parity init`: writes the starter config, refusing to overwrite one without --force, and checks that it loads. */
export function writeStarterConfig(o: StarterOptions): string {
  const text = `${JSON.stringify(starterConfig(o), null, 2)}\n`;
  try {
    // 'wx' refuses an existing file in the same call that creates it: no window between a check and the write
    writeFileSync(o.output, text, { flag: o.force ? 'w' : 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(o.output, 'already exists; not overwritten', 'pass --force to replace it, or --output another file');
    throw new UsageError(o.output, `cannot write: ${code ?? (e as Error).message}`, 'check the folder exists and is writable');
  }
  loadConfig(o.output);
  return o.output;
}
