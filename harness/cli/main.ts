import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { backends, getBackend } from '../../backends/index.ts';
import type { BackendOptions } from '../../backends/types.ts';
import { generateFixtures, MANIFEST } from '../../fixtures/generate.ts';
import { WHISPER_RATE, type Audio16k } from '../audio/decoded-audio.ts';
import { loadAudio } from '../audio/load-audio.ts';
import { readManifest, resolveCases, type Case } from '../audio/manifest.ts';
import { latencyStats } from '../bench/latency-stats.ts';
import { isAsrParityError, UsageError } from '../errors.ts';
import { writeFileAtomic } from '../report/write-atomic.ts';
import { formatAlignment } from '../score/align.ts';
import { scoreCorpus, scoreUtterance } from '../score/error-rate.ts';
import { DEFAULT_THRESHOLDS, evaluateGate } from '../score/gate.ts';
import { getNormalizer } from '../score/normalizers.ts';
import { parseTrn } from '../score/trn.ts';
import { environmentRecord } from '../report/environment.ts';
import { loadBackend, transcribeCases } from './transcribe-cases.ts';

const isTTY = process.stderr.isTTY;
let quiet = false;
const progress = (msg: string) => {
  if (quiet) return;
  if (isTTY) process.stderr.write(`\r\x1b[K${msg}`);
};
const done = () => isTTY && !quiet && process.stderr.write('\r\x1b[K');
const print = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};
const positiveNumber = (v: string) => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a positive number');
  return n;
};
const fraction = (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
};

function backendOpts(o: { model?: string; library?: string; threads?: number; language?: string }): BackendOptions {
  return { model: o.model, library: o.library, threads: o.threads, language: o.language };
}

const program = new Command('asr-parity')
  .description('Accuracy parity and performance gate for speech models ported to accelerators')
  .option('--verbose', 'print stack traces on errors')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const withBackend = (c: Command, flag = '--backend <name>') =>
  c
    .requiredOption(flag, `backend: ${Object.keys(backends).join(', ')}`)
    .option('--model <path>', 'model file (default: the backend\'s configured model)')
    .option('--library <path>', 'libwhisper to load (default: ASR_PARITY_WHISPER_LIB or the bundled CPU build)')
    .option('--threads <n>', 'CPU threads', positiveInt)
    .option('--language <code>', 'spoken language', 'en');

withBackend(program.command('transcribe').description('transcribe one audio file'))
  .requiredOption('--audio <file>', 'WAV or FLAC file')
  .option('--json', 'print a JSON object')
  .action(async (o) => {
    const audio = await loadAudio(o.audio);
    const b = await loadBackend(getBackend(o.backend), backendOpts(o));
    try {
      const t = await b.transcribe(audio);
      if (o.json) print(JSON.stringify({ backend: o.backend, audio: o.audio, duration: audio.duration, loadMs: b.loadMs, ...t, environment: b.describe() }, null, 2));
      else print(t.text);
    } finally {
      b.dispose();
    }
  });

withBackend(program.command('chunked').description('transcribe long audio in fixed-length chunks'))
  .requiredOption('--audio <file>', 'WAV or FLAC file')
  .option('--chunk-length <seconds>', 'chunk length', positiveNumber, 30)
  .option('--batch-size <n>', 'chunks submitted at once', positiveInt, 4)
  .option('--json', 'print a JSON object')
  .action(async (o) => {
    const audio = await loadAudio(o.audio);
    const b = await loadBackend(getBackend(o.backend), backendOpts(o));
    try {
      const size = Math.round(o.chunkLength * WHISPER_RATE);
      const chunks: Audio16k[] = [];
      for (let at = 0; at < audio.samples.length; at += size) {
        const samples = audio.samples.subarray(at, Math.min(at + size, audio.samples.length));
        chunks.push({ samples, duration: samples.length / WHISPER_RATE, source: audio.source });
      }
      const texts: string[] = [];
      const t0 = performance.now();
      for (let i = 0; i < chunks.length; i += o.batchSize) {
        progress(`chunks ${i + 1}-${Math.min(i + o.batchSize, chunks.length)} of ${chunks.length}`);
        const batch = await Promise.all(chunks.slice(i, i + o.batchSize).map((c) => b.transcribe(c)));
        texts.push(...batch.map((t) => t.text));
      }
      done();
      const totalMs = performance.now() - t0;
      const text = texts.filter(Boolean).join(' ');
      if (o.json) print(JSON.stringify({ backend: o.backend, audio: o.audio, duration: audio.duration, chunks: chunks.length, chunkLength: o.chunkLength, batchSize: o.batchSize, text, chunkTexts: texts, totalMs, rtf: totalMs / 1000 / audio.duration }, null, 2));
      else print(text);
    } finally {
      b.dispose();
    }
  });

withBackend(program.command('compare').description('transcribe on a device backend and on a baseline; score and gate'))
  .option('--baseline <name>', 'baseline backend', 'cpu-fp32')
  .option('--baseline-model <path>', 'model for the baseline backend')
  .requiredOption('--audio <path>', 'audio file, folder of audio files, or .jsonl manifest')
  .option('--normalize <mode>', 'none, basic or english', 'basic')
  .option('--max-wer <f>', 'WER threshold (fraction)', fraction, DEFAULT_THRESHOLDS.maxWer)
  .option('--max-cer <f>', 'CER threshold (fraction)', fraction, DEFAULT_THRESHOLDS.maxCer)
  .option('--min-exact <f>', 'exact-match rate threshold (fraction)', fraction, DEFAULT_THRESHOLDS.minExactMatchRate)
  .option('--output <file>', 'write the comparison as JSON')
  .action(async (o) => {
    await runCompare(o, resolveCases(o.audio));
  });

interface CompareOptions {
  backend: string;
  baseline: string;
  model?: string;
  baselineModel?: string;
  library?: string;
  threads?: number;
  language?: string;
  normalize: string;
  maxWer: number;
  maxCer: number;
  minExact: number;
  output?: string;
}

async function runCompare(o: CompareOptions, cases: Case[]): Promise<void> {
  const normalize = getNormalizer(o.normalize);
  const run = async (name: string, opts: BackendOptions) => {
    const b = await loadBackend(getBackend(name), opts);
    try {
      return { env: b.describe(), loadMs: b.loadMs, results: await transcribeCases(b, cases, name, progress) };
    } finally {
      b.dispose();
    }
  };
  const base = await run(o.baseline, { ...backendOpts(o), model: o.baselineModel });
  const dev = await run(o.backend, backendOpts(o));
  done();
  const gate = evaluateGate(
    cases.map((c, i) => ({ id: c.id, baseline: base.results[i]!.result.text, device: dev.results[i]!.result.text })),
    normalize,
    { maxWer: o.maxWer, maxCer: o.maxCer, minExactMatchRate: o.minExact },
  );
  for (const c of gate.cases) {
    print(`${c.exact ? 'ok  ' : 'FAIL'} ${c.id}  WER ${(100 * c.wer).toFixed(2)}%  CER ${(100 * c.cer).toFixed(2)}%`);
    if (!c.exact) print(formatAlignment(c.alignment).replace(/^/gm, '      '));
  }
  const k = gate.corpus;
  print(`corpus: ${k.utterances} cases, WER ${(100 * k.wer).toFixed(2)}%, CER ${(100 * k.cer).toFixed(2)}%, exact ${k.exactMatches}/${k.utterances} (S=${k.substitutions} D=${k.deletions} I=${k.insertions})`);
  print(gate.passed ? 'gate: PASS' : `gate: FAIL\n  ${gate.failures.join('\n  ')}`);
  if (o.output) {
    const raw = (r: typeof base, id: string) => r.results.find((x) => x.case.id === id)?.result.text;
    writeFileAtomic(
      o.output,
      JSON.stringify(
        {
          kind: 'compare',
          backend: o.backend,
          baseline: o.baseline,
          normalizer: o.normalize,
          thresholds: { maxWer: o.maxWer, maxCer: o.maxCer, minExactMatchRate: o.minExact },
          passed: gate.passed,
          failures: gate.failures,
          corpus: gate.corpus,
          cases: gate.cases.map(({ alignment, ...c }) => ({ ...c, baselineRaw: raw(base, c.id), deviceRaw: raw(dev, c.id), alignment: formatAlignment(alignment) })),
          environment: { ...environmentRecord(), device: dev.env, baselineBackend: base.env },
        },
        null,
        2,
      ),
    );
  }
  if (!gate.passed) process.exitCode = 1;
}

async function benchmarkOne(name: string, opts: BackendOptions, audio: Audio16k, runs: number) {
  const b = await loadBackend(getBackend(name), opts);
  try {
    progress(`${name}: first call`);
    const first = await b.transcribe(audio);
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      progress(`${name}: run ${i + 1}/${runs}`);
      const t0 = performance.now();
      await b.transcribe(audio);
      samples.push(performance.now() - t0);
    }
    done();
    const stats = latencyStats(samples);
    return {
      backend: name,
      loadMs: b.loadMs,
      firstCallMs: first.timings.totalMs,
      latencyMs: stats,
      samplesMs: samples,
      rtf: stats.mean / 1000 / audio.duration,
      rtfx: audio.duration / (stats.mean / 1000),
      hostRssBytes: process.memoryUsage().rss,
      deviceMemory: b.memory?.() ?? null,
      text: first.text,
      environment: b.describe(),
    };
  } finally {
    b.dispose();
  }
}

withBackend(program.command('benchmark').description('latency of repeated transcriptions of one file'))
  .requiredOption('--audio <file>', 'WAV or FLAC file')
  .option('--num-runs <n>', 'warm runs after the first call', positiveInt, 10)
  .option('--output <file>', 'write the result as JSON')
  .action(async (o) => {
    const audio = await loadAudio(o.audio);
    const r = await benchmarkOne(o.backend, backendOpts(o), audio, o.numRuns);
    const l = r.latencyMs;
    print(`${o.backend}: load ${r.loadMs.toFixed(0)} ms, first call ${r.firstCallMs.toFixed(0)} ms, ${l.runs} runs mean ${l.mean.toFixed(1)} ms P50 ${l.p50.toFixed(1)} P90 ${l.p90.toFixed(1)} P99 ${l.p99.toFixed(1)}, RTF ${r.rtf.toFixed(4)} on ${audio.duration.toFixed(1)} s`);
    if (o.output) writeFileAtomic(o.output, JSON.stringify({ kind: 'benchmark', audio: o.audio, duration: audio.duration, ...r, machine: environmentRecord() }, null, 2));
  });

withBackend(program.command('eval-accuracy').description('device vs baseline on the generated fixtures (tones and speech)'), '--backend <name>')
  .option('--baseline <name>', 'baseline backend', 'cpu-fp32')
  .option('--num-test-cases <n>', 'how many fixtures (all by default)', positiveInt)
  .option('--manifest <file>', 'fixture manifest', MANIFEST)
  .option('--output <file>', 'write the result as JSON', 'eval_accuracy_result.json')
  .option('--normalize <mode>', 'none, basic or english', 'basic')
  .option('--max-wer <f>', 'WER threshold (fraction)', fraction, DEFAULT_THRESHOLDS.maxWer)
  .option('--max-cer <f>', 'CER threshold (fraction)', fraction, DEFAULT_THRESHOLDS.maxCer)
  .option('--min-exact <f>', 'exact-match rate threshold (fraction)', fraction, DEFAULT_THRESHOLDS.minExactMatchRate)
  .action(async (o) => {
    if (o.manifest === MANIFEST) await generateFixtures();
    const all = readManifest(o.manifest).filter((c) => c.kind !== 'long');
    await runCompare(o, o.numTestCases ? all.slice(0, o.numTestCases) : all);
  });

withBackend(program.command('eval-perf').description('latency, RTF and speedup over the baseline on synthesized audio of a given length'), '--backend <name>')
  .option('--baseline <name>', 'baseline backend', 'cpu-fp32')
  .option('--duration <seconds>', 'audio length', positiveNumber, 30)
  .option('--num-runs <n>', 'warm runs per backend', positiveInt, 5)
  .option('--output <file>', 'write the result as JSON', 'eval_perf_result.json')
  .action(async (o) => {
    await generateFixtures();
    const long = readManifest(MANIFEST).find((c) => c.kind === 'long')!;
    const full = await loadAudio(long.audio);
    const n = Math.min(full.samples.length, Math.round(o.duration * WHISPER_RATE));
    const audio: Audio16k = { samples: full.samples.slice(0, n), duration: n / WHISPER_RATE, source: full.source };
    const base = await benchmarkOne(o.baseline, backendOpts({ ...o, model: undefined }), audio, o.numRuns);
    const dev = await benchmarkOne(o.backend, backendOpts(o), audio, o.numRuns);
    const speedup = base.latencyMs.mean / dev.latencyMs.mean;
    print(`${o.backend}: mean ${dev.latencyMs.mean.toFixed(1)} ms, P50 ${dev.latencyMs.p50.toFixed(1)}, P90 ${dev.latencyMs.p90.toFixed(1)}, RTF ${dev.rtf.toFixed(4)}; ${o.baseline}: mean ${base.latencyMs.mean.toFixed(1)} ms; speedup ${speedup.toFixed(2)}x`);
    writeFileAtomic(o.output, JSON.stringify({ kind: 'eval-perf', duration: audio.duration, device: dev, baseline: base, speedup, machine: environmentRecord() }, null, 2));
  });

program
  .command('score')
  .description('WER/CER of hypothesis against reference trn files (sclite format)')
  .requiredOption('--ref <file>', 'reference trn')
  .requiredOption('--hyp <file>', 'hypothesis trn')
  .option('--normalize <mode>', 'none, basic or english', 'none')
  .option('--json', 'print one JSON object')
  .action((o) => {
    const normalize = getNormalizer(o.normalize);
    const ref = parseTrn(o.ref);
    const hyp = parseTrn(o.hyp);
    for (const id of hyp.keys()) if (!ref.has(id)) throw new UsageError(o.hyp, `utterance "${id}" has no reference in ${o.ref}`, 'both files must list the same ids');
    const utts = [...ref].map(([id, r]) => scoreUtterance(id, normalize(r), normalize(hyp.get(id) ?? '')));
    const c = scoreCorpus(utts);
    if (o.json) print(JSON.stringify({ wer: c.wer, cer: c.cer, hits: c.hits, substitutions: c.substitutions, deletions: c.deletions, insertions: c.insertions, refWords: c.refWords, utterances: c.utterances, exactMatchRate: c.exactMatchRate }));
    else print(`WER ${(100 * c.wer).toFixed(2)}% (S=${c.substitutions} D=${c.deletions} I=${c.insertions} of ${c.refWords} words), CER ${(100 * c.cer).toFixed(2)}%, ${c.utterances} utterances`);
  });

program
  .command('normalize')
  .description('normalize text from stdin, one line in, one line out')
  .addOption(new Option('--mode <mode>', 'normalizer').choices(['basic', 'english']).default('english'))
  .action((o) => {
    const n = getNormalizer(o.mode);
    const input = readFileSync(0, 'utf8');
    const lines = input.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    print(lines.map(n).join('\n'));
  });

program
  .command('fixtures')
  .description('generate the fixture audio, manifest and parity test models (cached)')
  .option('--quiet', 'no progress output')
  .action(async (o) => {
    await generateFixtures(o.quiet ? () => {} : (m) => process.stderr.write(`${m}\n`));
  });

program
  .command('backends')
  .description('list backends and whether they can run here')
  .action(async () => {
    for (const b of Object.values(backends)) {
      const a = await b.available();
      print(`${b.name.padEnd(12)} ${a.ok ? 'available  ' : 'unavailable'} ${b.device}/${b.precision}  ${a.ok ? b.description : a.reason}`);
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  done();
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (isAsrParityError(e)) {
    process.stderr.write(`asr-parity: ${e.message}\n`);
    if (program.opts().verbose) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`asr-parity: internal error: ${(e as Error).message ?? e} (run with --verbose for the stack; please report it)\n`);
    if (program.opts().verbose) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = 3;
  }
}
