import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { BackendOptions, LoadedBackend } from '../../backends/types.ts';
import type { PlannedBackend } from '../run/plan-backends.ts';
import { MIN_PERF_RUNS, MIN_RUNS_FOR } from '../bench/latency-stats.ts';
import { loadConfig, type Config } from '../config/load-config.ts';
import { isAsrParityError } from '../errors.ts';
import { atLeast, nonNegative, positiveInt, positiveNumber, rate } from './option-parsers.ts';
import { addBenchCommand } from './bench-command.ts';
import { print, progress, progressDone, setQuiet } from './terminal.ts';
import { scoreCommand } from './score-command.ts';

// Everything else is imported by the command that needs it: `--help`, `normalize` and `score`
// should not pay for loading every backend, the benchmark code and the report renderer.
const lazy = {
  backends: () => import('../../backends/index.ts'),
  paths: () => import('../io/default-paths.ts'),
  fixtureGeneration: () => import('./fixture-generation.ts'),
  audio: () => import('../audio/load-audio.ts'),
  manifest: () => import('../audio/manifest.ts'),
  measure: () => import('../bench/measure-performance.ts'),
  engineBench: () => import('../bench/engine-bench.ts'),
  perfAudio: () => import('../bench/perf-audio.ts'),
  soak: () => import('../bench/soak.ts'),
  fuzz: () => import('../fuzz/differential-fuzz.ts'),
  assemble: () => import('../report/assemble-report.ts'),
  regressions: () => import('../report/compare-reports.ts'),
  reportView: () => import('../report/report-view.ts'),
  environment: () => import('../report/environment.ts'),
  reportFile: () => import('../report/report-file.ts'),
  verdict: () => import('../report/verdict.ts'),
  write: () => import('../report/write-atomic.ts'),
  plan: () => import('../run/plan-backends.ts'),
  transcribe: () => import('../run/transcribe-cases.ts'),
  load: () => import('../load/load-backend.ts'),
  normalizers: () => import('../score/normalizers.ts'),
  gate: () => import('./gate-commands.ts'),
  formatLatency: () => import('../report/format-latency.ts'),
  comparability: () => import('../report/comparability.ts'),
  decoded: () => import('../audio/decoded-audio.ts'),
  errors: () => import('../errors.ts'),
};

/** Exit codes, one table (README "Exit codes"): */
const EXIT = { pass: 0, failed: 1, badInput: 2, internal: 3 } as const;

let config: Config | undefined;
/** The config every command sees (--config, ASR_PARITY_CONFIG, ./asr-parity.config.json, or built-in defaults), loaded before any command runs. */
function cfg(): Config {
  if (!config) throw new Error('config not loaded');
  return config;
}

async function ensureFixtures(): Promise<void> {
  const { ensureFixtures: ensure } = await lazy.fixtureGeneration();
  await ensure();
}

/** A backend named on the command line, as the config knows it (its model, library, command...), with the flags on top. */
async function plannedFromFlags(name: string, o: { model?: string; library?: string; threads?: number; language?: string }): Promise<PlannedBackend> {
  const c = cfg();
  const { findEntry, planBackend } = await lazy.plan();
  const { defined } = await lazy.gate();
  return planBackend(findEntry(c, name), 'device', c.source ?? 'command line', defined({ model: o.model, library: o.library, threads: o.threads, language: o.language }));
}

async function loadFromFlags(name: string, o: { model?: string; library?: string; threads?: number; language?: string }): Promise<LoadedBackend> {
  const p = await plannedFromFlags(name, o);
  const { loadBackend } = await lazy.load();
  return loadBackend(p);
}

const program = new Command('asr-parity')
  .description('Accuracy parity and performance gate for speech models ported to accelerators')
  .option('-V, --version', 'print the version of asr-parity and of the whisper.cpp engine it loads')
  .option('--verbose', 'print stack traces on errors')
  .option('--config <file>', 'config file (default: ASR_PARITY_CONFIG or ./asr-parity.config.json)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })
  .hook('preAction', async (_root, action) => {
    // every command honours --config: a missing or invalid file is bad input, whatever the command
    // except init, which writes one: a broken config in the folder is what `init --force` replaces
    if (action.name() !== 'init') config = loadConfig(program.opts().config);
    if (NEEDS_FIXTURES.has(action.name())) await ensureFixtures();
  });

const NEEDS_FIXTURES = new Set(['transcribe', 'chunked', 'compare', 'eval-accuracy', 'eval-perf', 'benchmark', 'fuzz', 'soak']);

const withBackend = (c: Command, flag = '--backend <name>') =>
  c
    .requiredOption(flag, 'backend: a name from the config or a registered backend (see `asr-parity backends`)')
    .option('--model <path>', 'model file (default: the backend\'s configured model)')
    .option('--library <path>', 'libwhisper to load (default: ASR_PARITY_WHISPER_LIB or the bundled CPU build)')
    .option('--threads <n>', 'CPU threads', positiveInt)
    .option('--language <code>', 'spoken language (default: the config\'s, else en)');

withBackend(program.command('transcribe').description('transcribe one audio file'))
  .requiredOption('--audio <file>', 'audio file: WAV, FLAC, MP3, Ogg Vorbis or Opus, AIFF; M4A and others through ffmpeg')
  .option('--json', 'print a JSON object')
  .action(async (o) => {
    const { loadAudio } = await lazy.audio();
    const audio = await loadAudio(o.audio);
    const b = await loadFromFlags(o.backend, o);
    try {
      // whisper.cpp walks long audio window by window in one call, with no progress to show
      if (audio.duration > 60 && process.stderr.isTTY) process.stderr.write(`${o.audio}: ${(audio.duration / 60).toFixed(1)} min of audio, ${Math.ceil(audio.duration / 30)} windows of 30 s in one call; \`asr-parity chunked\` shows progress\n`);
      const t = await b.transcribe(audio);
      const { FIXTURE_DIR } = await lazy.paths();
      const model = String(b.describe().modelPath ?? '');
      // a newcomer's first transcript comes from the generated test model: say so, or "elm" looks like a bug
      if (model.startsWith(FIXTURE_DIR)) process.stderr.write(`asr-parity: note: ${basename(model)} is asr-parity's generated test model, which answers with placeholder words (oak, elm, ash, fir: README "The generated test model"); pass --model for a real Whisper model\n`);
      if (o.json) print(JSON.stringify({ backend: o.backend, audio: o.audio, audioFormat: audio.source.format, duration: audio.duration, loadMs: b.loadMs, ...t, environment: b.describe() }, null, 2));
      else print(t.text);
    } finally {
      b.dispose();
    }
  });

withBackend(program.command('chunked').description('transcribe long audio in fixed-length chunks'))
  .requiredOption('--audio <file>', 'audio file: WAV, FLAC, MP3, Ogg Vorbis or Opus, AIFF; M4A and others through ffmpeg')
  .option('--chunk-length <seconds>', 'chunk length', positiveNumber, 30)
  .option('--batch-size <n>', 'chunks submitted at once', positiveInt, 4)
  .option('--json', 'print a JSON object')
  .action(async (o) => {
    const { loadAudio } = await lazy.audio();
    const { WHISPER_RATE } = await lazy.decoded();
    const audio = await loadAudio(o.audio);
    const b = await loadFromFlags(o.backend, o);
    try {
      const size = Math.round(o.chunkLength * WHISPER_RATE);
      const chunks: import('../audio/decoded-audio.ts').Audio16k[] = [];
      for (let at = 0; at < audio.samples.length; at += size) {
        const samples = audio.samples.subarray(at, Math.min(at + size, audio.samples.length));
        chunks.push({ samples, duration: samples.length / WHISPER_RATE, source: audio.source });
      }
      const texts: string[] = [];
      const t0 = performance.now();
      for (let i = 0; i < chunks.length; i += o.batchSize) {
        progress(`${o.backend}: chunk ${i + 1}/${chunks.length} (a batch of ${Math.min(o.batchSize, chunks.length - i)})`);
        const batch = await Promise.all(chunks.slice(i, i + o.batchSize).map((c) => b.transcribe(c)));
        texts.push(...batch.map((t) => t.text));
      }
      progressDone();
      const totalMs = performance.now() - t0;
      const text = texts.filter(Boolean).join(' ');
      if (o.json) print(JSON.stringify({ backend: o.backend, audio: o.audio, duration: audio.duration, chunks: chunks.length, chunkLength: o.chunkLength, batchSize: o.batchSize, text, chunkTexts: texts, totalMs, rtf: totalMs / 1000 / audio.duration }, null, 2));
      else print(text);
    } finally {
      b.dispose();
    }
  });

const gateOptions = (c: Command) =>
  c
    .option('--baseline <name>', 'baseline backend (default: the config\'s)')
    .option('--baseline-model <path>', 'model for the baseline backend')
    .option('--model <path>', 'model for the device backend')
    .option('--library <path>', 'libwhisper to load for both (default: per backend)')
    .option('--threads <n>', 'CPU threads', positiveInt)
    .option('--language <code>', 'spoken language')
    .option('--output <file>', 'write the report JSON (reports/report.schema.json)')
    .option('--markdown <file>', 'also render the Markdown report (its plots go to <name>-plots/ beside it, the HTML report to <name>.html)')
    .option('--html <file>', 'the self-contained HTML report with plots (default: beside --markdown)')
    .option('--no-cache', 'run the baseline on every case instead of reusing its cached results (config baselineCache)')
    .option('--junit <file>', 'also write JUnit XML (one test case per accuracy case, the verdict as one more) for CI');

const accuracyOptions = (c: Command) =>
  gateOptions(c)
    .addOption(new Option('--normalize <mode>', 'text normalizer (default: the config\'s)').choices(['none', 'basic', 'english']))
    .addOption(new Option('--cer-spaces <mode>', 'CER counts spaces (include, as jiwer) or drops whitespace (exclude) (default: the config\'s, exclude)').choices(['include', 'exclude']))
    .option('--pra <file>', 'write the per-utterance word alignments of every device backend in sclite\'s .pra layout')
    .option('--max-wer <rate>', 'WER must be below this: a fraction (0.01) or a percent (1%) (default 0.01)', rate)
    .option('--max-cer <rate>', 'CER must be below this: a fraction or a percent (default 0.01)', rate)
    .option('--min-exact <rate>', 'exact-match rate at least this: a fraction or a percent (default: the config\'s, 0.9)', rate)
    .option('--min-top1 <rate>', 'teacher-forced top-1 agreement on decisive steps: a fraction or a percent (default 0.999)', rate)
    .option('--margin-tolerance <logits>', 'a step is decisive when the baseline margin exceeds this (default 0.5)', nonNegative)
    .addOption(new Option('--evidence <mode>', 'bound: the confidence bounds must meet the thresholds (too little data fails as insufficient evidence); point: the observed values must (default: the config\'s, bound)').choices(['bound', 'point']))
    .option('--confidence <level>', 'one-sided confidence level of the bounds (default 0.95)', rate)
    .option('--csv <file>', 'also write the per-case results as CSV (WER, CER, transcripts, first divergence)')
    .option('--max-wer-increase <rate>', 'against reference text: device WER at most this above the baseline\'s, absolute (default: the config\'s, 0.01)', rate);

accuracyOptions(program.command('compare').description('transcribe on a device backend and on a baseline; score, token parity, gate (exit 1 on failure)'))
  .requiredOption('--backend <name>', 'device backend: a name from the config or a registered backend')
  .requiredOption('--audio <path>', 'audio file, folder of audio files (walked), or .jsonl manifest')
  .action(async (o) => {
    const { accuracyCommand } = await lazy.gate();
    const { resolveCases } = await lazy.manifest();
    await accuracyCommand(cfg(), o, { ...(await resolveCases(o.audio)), source: o.audio });
  });

accuracyOptions(program.command('eval-accuracy').description('device backends vs the baseline on the fixtures (tones, noise, speech); exit 1 on failure'))
  .option('--backend <name>', 'one device backend (default: every backend of the config)')
  .option('--num-test-cases <n>', 'how many cases (all by default)', positiveInt)
  .option('--manifest <file>', 'case manifest (default: the config\'s fixtures)')
  .action(async (o) => {
    const { accuracyCommand } = await lazy.gate();
    const { resolveCases } = await lazy.manifest();
    const list = await resolveCases(o.manifest ?? cfg().fixtures);
    const all = list.cases.filter((c) => c.kind !== 'long');
    await accuracyCommand(cfg(), { output: 'eval_accuracy_result.json', ...o }, { cases: o.numTestCases ? all.slice(0, o.numTestCases) : all, skipped: list.skipped, source: o.manifest ?? cfg().fixtures });
  });

const runsWhy = `fewer warm runs cannot bound even the median (P50 needs ${MIN_RUNS_FOR.p50} for its 95% bound to be an observed run, P90 ${MIN_RUNS_FOR.p90}, P99 ${MIN_RUNS_FOR.p99})`;
const runsOption = `warm runs (at least ${MIN_PERF_RUNS}, for P50 and its 95% bound; P90 needs ${MIN_RUNS_FOR.p90}, P99 ${MIN_RUNS_FOR.p99})`;

gateOptions(program.command('eval-perf').description('load time, first call, warm latency, RTF, memory and speedup over the baseline'))
  .option('--backend <name>', 'one device backend (default: every backend of the config)')
  .option('--duration <seconds>', 'audio length (default: the config\'s, 30)', positiveNumber)
  .option('--num-runs <n>', `${runsOption} (default: the config's)`, atLeast(MIN_PERF_RUNS, runsWhy))
  .action(async (o) => {
    const { performanceCommand } = await lazy.gate();
    const { readManifest } = await lazy.manifest();
    const { perfAudio } = await lazy.perfAudio();
    const c = cfg();
    const cases = readManifest(c.fixtures);
    const seconds = o.duration ?? c.performance.audioSeconds;
    const [audio, shortAudio] = await perfAudio(cases, [seconds, Math.min(seconds, c.performance.shortAudioSeconds)], c.fixtures);
    await performanceCommand(c, { output: 'eval_perf_result.json', ...o }, { audio, shortAudio, runs: o.numRuns ?? c.performance.runs });
  });

withBackend(program.command('benchmark').description('latency of repeated transcriptions of one file'))
  .requiredOption('--audio <file>', 'audio file: WAV, FLAC, MP3, Ogg Vorbis or Opus, AIFF; M4A and others through ffmpeg')
  .option('--num-runs <n>', runsOption, atLeast(MIN_PERF_RUNS, runsWhy), 10)
  .option('--output <file>', 'write the result as a report JSON (what `report` reads and merges)')
  .action(async (o) => {
    const { loadAudio } = await lazy.audio();
    const { measurePerformance } = await lazy.measure();
    const { formatDrift, formatPercentile } = await lazy.formatLatency();
    const { writeFileAtomic } = await lazy.write();
    const audio = await loadAudio(o.audio);
    const p = await plannedFromFlags(o.backend, o);
    const iso = cfg().isolation;
    const r = await measurePerformance(p, { audio, shortAudio: audio, runs: o.numRuns, progress, isolation: iso.enabled ? iso : undefined });
    progressDone();
    const perf = r.performance;
    const l = perf.latencyMs;
    print(`${o.backend}: load ${perf.loadMs.toFixed(0)} ms, first call ${perf.firstCallMs.toFixed(0)} ms, ${l.runs} runs mean ${l.mean.toFixed(1)} ms (stdev ${l.stdev.toFixed(1)}), P50 ${formatPercentile(l, 'p50')}, P90 ${formatPercentile(l, 'p90')}, P99 ${formatPercentile(l, 'p99')}, drift ${formatDrift(l)}, RTF ${perf.rtf.toFixed(4)} on ${audio.duration.toFixed(1)} s`);
    if (o.output) writeFileAtomic(o.output, `${JSON.stringify(await (await import('./benchmark-report.ts')).benchmarkReport(cfg(), p, r, o.audio), null, 2)}\n`);
  });

program
  .command('engine-bench')
  .description('the prebuilt and the SIMD whisper.cpp library side by side: mean latency ratio (f32, f16) and binding overhead; writes JSON (npm run bench)')
  .option('--duration <seconds>', 'audio length, cut from the fixtures\' speech', positiveNumber, 30)
  .option('--num-runs <n>', 'calls per engine and model, alternating between the engines', atLeast(MIN_PERF_RUNS, runsWhy), 10)
  .option('--threads <n>', 'whisper.cpp threads (default: ASR_PARITY_THREADS or 2)', positiveInt)
  .option('--output <file>', 'where to write the JSON', 'results/engine-bench.json')
  .action(async (o) => {
    await ensureFixtures();
    const { engineBench } = await lazy.engineBench();
    const { readManifest } = await lazy.manifest();
    const { perfAudio } = await lazy.perfAudio();
    const { PARITY_MODELS } = await lazy.paths();
    const { defaultThreads } = await import('../../backends/whisper-cpp/whisper-cpp.ts');
    const { environmentRecord } = await lazy.environment();
    const { writeFileAtomic } = await lazy.write();
    const c = cfg();
    const [audio] = await perfAudio(readManifest(c.fixtures), [o.duration], c.fixtures);
    const r = await engineBench({ audio, runs: o.numRuns, threads: o.threads ?? defaultThreads(), models: [{ precision: 'f32', path: PARITY_MODELS.fp32 }, { precision: 'f16', path: PARITY_MODELS.fp16 }], progress });
    progressDone();
    for (const x of r.results) {
      const ov = (s: typeof x.simd) => `${s.bindingOverhead.meanOverheadMs.toFixed(1)} ms (${(100 * s.bindingOverhead.overheadShare).toFixed(1)}%)`;
      print(`${x.precision}: prebuilt ${x.prebuilt.latencyMs.mean.toFixed(1)} ms, SIMD ${x.simd.latencyMs.mean.toFixed(1)} ms mean over ${x.simd.latencyMs.runs} runs each on ${audio.duration.toFixed(0)} s: ${x.ratio.toFixed(2)}x; binding overhead prebuilt ${ov(x.prebuilt)}, SIMD ${ov(x.simd)}; same tokens: ${x.sameTokens ? 'yes' : 'NO'}`);
    }
    const baselineCache = await (await import('../run/baseline-cache-bench.ts')).baselineCacheBench(c, { rounds: 3, progress });
    progressDone();
    print(`baseline cache: the accuracy gate on ${baselineCache.cases} cases (${baselineCache.baseline} vs ${baselineCache.devices.join(', ')}), warm over cold: ${baselineCache.wallRatio.toFixed(2)} wall, ${baselineCache.cpuRatio.toFixed(2)} CPU (means of ${baselineCache.rounds}; warm run: ${baselineCache.warmHits} from cache)`);
    writeFileAtomic(o.output, `${JSON.stringify({ ...r, baselineCache, machine: environmentRecord() }, null, 2)}\n`);
    print(`written: ${o.output}`);
  });

program
  .command('fuzz')
  .description('differential fuzzing: seeded variants of speech until the device and the baseline disagree; the shrunk case is saved')
  .requiredOption('--backend <name>', 'device backend')
  .option('--baseline <name>', 'baseline backend (default: the config\'s)')
  .option('--model <path>', 'model for the device backend')
  .option('--baseline-model <path>', 'model for the baseline backend')
  .option('--runs <n>', 'variants to try', positiveInt, 100)
  .option('--seed <n>', 'fast-check seed', (v) => Number.parseInt(v, 10), 1)
  .option('--time-limit <seconds>', 'stop looking after this long', positiveNumber)
  .option('--output-dir <dir>', 'where a counterexample is saved', 'results/fuzz')
  .addOption(new Option('--normalize <mode>', 'text normalizer (default: the config\'s)').choices(['none', 'basic', 'english']))
  .action(async (o) => {
    const { loadAudio } = await lazy.audio();
    const { differentialFuzz } = await lazy.fuzz();
    const { readManifest } = await lazy.manifest();
    const { getNormalizer } = await lazy.normalizers();
    const c = cfg();
    const speech = readManifest(c.fixtures).filter((x) => x.kind === 'speech');
    const clips = await Promise.all((speech.length ? speech : readManifest(c.fixtures)).map(async (x) => ({ id: x.id, audio: await loadAudio(x.audio) })));
    const baseName: string = o.baseline ?? c.baseline.name;
    const base = await loadFromFlags(baseName, { model: o.baselineModel });
    try {
      const dev = await loadFromFlags(o.backend, { model: o.model });
      try {
        const r = await differentialFuzz({ baseline: base, device: dev, clips, runs: o.runs, seed: o.seed, normalize: getNormalizer(o.normalize ?? c.normalizer), timeLimitMs: (o.timeLimit ?? 0) * 1000, outDir: o.outputDir, label: o.backend, progress });
        progressDone();
        if (r.passed) print(`${o.backend} agrees with ${baseName} on ${r.runsDone} variants (seed ${r.seed})`);
        else {
          const x = r.counterexample!;
          print(`DISAGREEMENT after shrinking (${r.shrinks} steps), clip ${x.clip}, variant ${JSON.stringify(x.variant)}\n  baseline: ${x.baselineText}\n  device:   ${x.deviceText}\n  saved: ${x.wav} and ${x.json}`);
          process.exitCode = EXIT.failed;
        }
      } finally {
        dev.dispose();
      }
    } finally {
      base.dispose();
    }
  });

withBackend(program.command('soak').description('long-run resource check: consecutive transcriptions and load/free cycles; RSS growth and file descriptors'))
  .option('--audio <file>', 'audio to transcribe (default: a speech fixture)')
  .option('--runs <n>', 'consecutive transcriptions', positiveInt, 500)
  .option('--cycles <n>', 'load/free cycles', positiveInt, 50)
  .option('--max-slope-mb <n>', 'exit 1 when RSS climbs faster than this many MB per iteration over the last half of either part (RSS read after a full GC and malloc_trim)', positiveNumber, 0.5)
  .option('--output <file>', 'write the result as JSON')
  .action(async (o) => {
    const { loadAudio } = await lazy.audio();
    const { environmentRecord } = await lazy.environment();
    const { FIXTURE_DIR } = await lazy.paths();
    const { soakLoadCycles, soakTranscriptions } = await lazy.soak();
    const { writeFileAtomic } = await lazy.write();
    const audio = await loadAudio(o.audio ?? `${FIXTURE_DIR}/audio/speech-01.wav`);
    const p = await plannedFromFlags(o.backend, o);
    const results = [await soakTranscriptions(p.backend, p.options, audio, o.runs, 2, progress), await soakLoadCycles(p.backend, p.options, o.cycles, 10, progress)];
    progressDone();
    let bad = false;
    for (const r of results) {
      const mb = r.rssGrowthBytes / 2 ** 20;
      const slopeMb = r.rssSlopeBytesPerIteration / 2 ** 20;
      bad ||= slopeMb > o.maxSlopeMb || r.fdsEnd !== r.fdsStart;
      print(`${r.what}: ${r.iterations} after ${r.warmup} warm-up, RSS ${mb >= 0 ? '+' : ''}${mb.toFixed(1)} MB (trail ${r.rssTrailBytes.map((x) => (x / 2 ** 20).toFixed(0)).join(' ')} MB), slope ${slopeMb.toFixed(3)} MB/iteration over the last half, fds ${r.fdsStart} -> ${r.fdsEnd}`);
    }
    if (o.output) writeFileAtomic(o.output, `${JSON.stringify({ kind: 'soak', backend: o.backend, maxSlopeMb: o.maxSlopeMb, results, machine: environmentRecord() }, null, 2)}\n`);
    if (bad) {
      print(`FAIL: RSS climbing faster than ${o.maxSlopeMb} MB per iteration, or descriptors leaked`);
      process.exitCode = EXIT.failed;
    }
  });

program
  .command('report')
  .description('merge report JSON files (e.g. eval-accuracy + eval-perf), render Markdown, flag regressions against an earlier report; exit 1 unless the verdict is PASS')
  .requiredOption('--input <files...>', 'report.json files written by asr-parity')
  .option('--output <file>', 'Markdown report to write (plots in <name>-plots/ beside it)', 'REPORT.md')
  .option('--html <file>', 'the self-contained HTML report (default: beside --output, <name>.html)')
  .option('--json <file>', 'also write the merged report JSON')
  .option('--csv <file>', 'also write the per-case accuracy results as CSV')
  .option('--junit <file>', 'also write JUnit XML of the merged report')
  .option('--baseline <old.json>', 'an earlier report: WER, CER and latency regressions are flagged')
  .option('--latency-tolerance <f>', 'latency must grow by more than this fraction to count', nonNegative, 0.1)
  .option('--fail-on-regression', 'exit 1 when a regression is found')
  .option('--allow-mismatch', 'compare or merge reports made by different models, engines, decoding settings, normalizers, fixtures or hosts; the differences head the report')
  .action(async (o) => {
    const { mergeReports } = await lazy.assemble();
    const { findRegressions } = await lazy.regressions();
    const { regressionRow } = await lazy.reportView();
    const reportFile = await lazy.reportFile();
    const { readReport } = reportFile;
    const { exitCodeOf, verdictLine } = await lazy.verdict();
    const { mismatches } = await lazy.comparability();
    const { ReportError } = await lazy.errors();
    const files = o.input as string[];
    const inputs = files.map(readReport);
    const differences: string[] = [];
    // figures from different models, engines or settings are not comparable: refuse, unless told to show the differences
    const check = (other: ReturnType<typeof readReport>, name: string, against: string) => {
      const m = mismatches(inputs[0]!, other);
      if (m.length && !o.allowMismatch) throw new ReportError(name, `not comparable with ${against}: ${m.map((x) => `${x.field} ${x.a} vs ${x.b}`).join('; ')}`, 'compare reports of the same models and settings, or pass --allow-mismatch');
      differences.push(...m.map((x) => `${name} vs ${against}: ${x.field} ${x.a} vs ${x.b}`));
    };
    inputs.slice(1).forEach((r, i) => check(r, files[i + 1]!, files[0]!));
    const merged = mergeReports(inputs, files);
    let regressed = false;
    if (o.baseline) {
      const old = readReport(o.baseline);
      check(old, o.baseline, files[0]!);
      const items = findRegressions(old, merged, o.latencyTolerance);
      merged.regressions = { against: o.baseline, latencyTolerance: o.latencyTolerance, items };
      for (const r of items.map(regressionRow)) print(`regression: ${r.backend} ${r.metric} ${r.before} -> ${r.after} (${r.change}, ${r.relative})`);
      if (!items.length) print('no regressions');
      regressed = items.length > 0 && Boolean(o.failOnRegression);
    }
    if (differences.length) merged.verdictReasons = [...differences.map((d) => `not comparable (allowed): ${d}`), ...merged.verdictReasons];
    for (const d of differences) print(`not comparable (allowed): ${d}`);
    const html = (o.html as string | undefined) ?? reportFile.htmlBeside(o.output);
    reportFile.writeReportFiles(merged, { json: o.json, markdown: o.output, html, csv: o.csv, junit: o.junit });
    print(`${verdictLine(merged)}; wrote ${o.output} and ${html}`);
    process.exitCode = regressed ? EXIT.failed : exitCodeOf(merged);
  });

scoreCommand(program);

program
  .command('normalize')
  .description('normalize text from stdin, one line in, one line out')
  .addOption(new Option('--mode <mode>', 'normalizer').choices(['basic', 'english']).default('english'))
  .action(async (o) => {
    const { getNormalizer } = await lazy.normalizers();
    const n = getNormalizer(o.mode);
    const input = readFileSync(0, 'utf8');
    const lines = input.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    print(lines.map(n).join('\n'));
  });

program
  .command('init')
  .description('write a starter config for your own models and backends, every field explained in "$comment" notes')
  .option('--output <file>', 'where to write it', 'asr-parity.config.json')
  .option('--force', 'overwrite an existing file')
  .option('--baseline-model <path>', 'your fp32 ggml model, for the baseline (cpu-fp32)')
  .option('--model <path>', 'your model for the device backend (fp16)')
  .option('--device-backend <name>', 'the backend under test: cann-fp16, cuda-fp16, cpu-fp16 or one of `asr-parity backends`', 'cpu-fp16')
  .option('--fixtures <manifest>', 'your test set, a .jsonl manifest')
  .action(async (o) => {
    const { initCommand } = await import('./init-command.ts');
    print(`wrote ${initCommand(o)}: edit the models and backends, then run \`asr-parity --config ${o.output} backends\``);
  });

program
  .command('fixtures')
  .description('generate the fixture audio, manifest and parity test models (cached)')
  .option('--quiet', 'no progress output')
  .action(async (o) => {
    const { generateFixturesCommand } = await lazy.fixtureGeneration();
    setQuiet(Boolean(o.quiet));
    await generateFixturesCommand(Boolean(o.quiet));
  });

program
  .command('backends')
  .description('list backends: available or why not, library version, system info')
  .option('--json', 'print a JSON array')
  .action(async (o) => {
    const { backends } = await lazy.backends();
    const { planBackend } = await lazy.plan();
    const rows = [];
    const c = cfg();
    // the config's entries first (what a gate run would use, command backends included), then every registered backend with defaults
    const seen = new Set<string>();
    for (const e of [c.baseline, ...c.backends]) {
      const p = await planBackend(e, e === c.baseline ? 'baseline' : 'device', c.source ?? 'built-in config');
      seen.add(e.name);
      rows.push({ name: e.name, backend: p.backend.name, role: p.role, required: p.required, device: p.backend.device, precision: p.backend.precision, capabilities: p.backend.capabilities, description: p.backend.description, ...p.availability });
    }
    for (const b of Object.values(backends)) if (!seen.has(b.name)) rows.push({ name: b.name, backend: b.name, role: null, required: null, device: b.device, precision: b.precision, capabilities: b.capabilities, description: b.description, ...(await b.available()) });
    if (o.json) return print(JSON.stringify(rows, null, 2));
    for (const r of rows) {
      const role = r.role ? ` [${r.role}${r.role === 'device' ? (r.required ? ', required' : ', optional') : ''}]` : '';
      print(`${r.name.padEnd(13)} ${r.ok ? 'available  ' : 'unavailable'}  ${r.device}/${r.precision}${role}  ${r.description}`);
      if (!r.ok) print(`    why not: ${r.reason}`);
      else for (const [k, v] of Object.entries(r.details ?? {})) print(`    ${k}: ${v}`);
    }
  });

// examples under every command's --help (help-examples.ts)
const { addExamples } = await import('./help-examples.ts');
addExamples(program);
addBenchCommand(program);

try {
  // --version is answered before any command: it names the engine, which commander's own version option cannot
  const first = process.argv[2];
  if (first === '--version' || first === '-V') print((await import('./version-command.ts')).versionText());
  else await program.parseAsync(process.argv);
} catch (e) {
  progressDone();
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? EXIT.pass : EXIT.badInput;
  } else if (isAsrParityError(e)) {
    process.stderr.write(`asr-parity: ${e.message}\n`);
    if (program.opts().verbose) process.stderr.write(`${e.stack}\n`);
    // a backend that crashed or whose program failed did not do its job: that is a failure, not bad input
    process.exitCode = e.code === 'INFERENCE' || e.code === 'COMMAND_FAILED' ? EXIT.failed : EXIT.badInput;
  } else {
    process.stderr.write(`asr-parity: internal error: ${(e as Error).message ?? e} (run with --verbose for the stack; please report it)\n`);
    if (program.opts().verbose) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = EXIT.internal;
  }
}
