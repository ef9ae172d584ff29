import { Command, CommanderError, Help, Option } from 'commander';
import { BUSY_LATENCY_TOLERANCE, MIN_PERF_RUNS, MIN_RUNS_FOR } from '../bench/latency-stats.ts';
import { loadConfig, type Config } from '../config/load-config.ts';
import { INPUT_FORMATS } from '../audio/corpus/format-names.ts';
import { NORMALIZER_NAMES } from '../config/normalizer-names.ts';
import { showThreshold, THRESHOLD_NAMES, THRESHOLD_TABLE, thresholdDefaults, type ThresholdName } from '../config/threshold-table.ts';
import { isAsrParityError } from '../errors.ts';
import { flagOf, formatsOf, REPORT_FORMATS } from '../report/formats/index.ts';
import { EXIT } from './exit-codes.ts';
import { atLeast, BENCH_SECTIONS, benchSections, DEFAULT_BENCH_SECTIONS, nameList, nonNegative, positiveInt, positiveNumber, rate, shapedLayouts, runsPerBackend, utteranceCounts } from './option-parsers.ts';
import { print, progressDone } from './terminal.ts';

/**
 * The CLI's wiring, and only that: each command's name, help and flags, and an action that
 * imports the command's one file under commands/ when it runs (so `--help` and a quick command
 * load no backend, benchmark or renderer) and hands it the parsed flags and the config. The work
 * is done by the stage a command file calls (harness/run, report, score, bench...);
 * suites/cli-wiring.test.ts keeps this file to that.
 */

let config: Config | undefined;
/** The config every command sees (--config, ASR_PARITY_CONFIG, ./asr-parity.config.json, or built-in defaults), loaded before any command runs. */
function cfg(): Config {
  if (!config) throw new Error('config not loaded');
  return config;
}

/**
 * A threshold flag's help ends with the value the gate would use: the config's (as --config,
 * ASR_PARITY_CONFIG or ./asr-parity.config.json give it) or the built-in default. Computed when
 * help is shown, so a command that runs never pays for it.
 */
const HELP = new Help();
function helpWithDefaults(opt: Option): string {
  const text = HELP.optionDescription(opt);
  const name = THRESHOLD_NAMES.find((n) => THRESHOLD_TABLE[n].flag.startsWith(`${opt.long} `));
  if (!name) return text;
  try {
    const c = loadConfig(program.opts().config);
    return `${text} (default: ${showThreshold(name, c.thresholds[name])}${c.source ? `, from ${c.source}` : ', built in'})`;
  } catch {
    return `${text} (default: ${showThreshold(name, thresholdDefaults()[name])} built in; the config could not be read)`;
  }
}

const program = new Command('asr-parity')
  .configureHelp({ optionDescription: helpWithDefaults })
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
    // the generated parity model and fixtures are the defaults: made on first use, so a newcomer's first command works
    if (NEEDS_FIXTURES.has(action.name())) await (await import('./fixture-generation.ts')).ensureFixtures();
  });

const NEEDS_FIXTURES = new Set(['transcribe', 'chunked', 'compare', 'eval-accuracy', 'eval-perf', 'benchmark', 'engine-bench', 'fuzz', 'soak']);

const AUDIO_FILE = 'audio file: WAV, FLAC, MP3, Ogg Vorbis or Opus, AIFF; M4A and others through ffmpeg';

const withBackend = (c: Command, flag = '--backend <name>') =>
  c
    .requiredOption(flag, 'backend: a name from the config or a registered backend (see `asr-parity backends`)')
    .option('--model <path>', 'model: a ggml file or a Hugging Face Whisper folder (default: the backend\'s configured model)')
    .option('--library <path>', 'libwhisper to load (default: ASR_PARITY_WHISPER_LIB or the bundled CPU build)')
    .option('--threads <n>', 'CPU threads', positiveInt)
    .option('--language <code>', 'spoken language (default: the config\'s, else en)');

withBackend(program.command('transcribe').description('transcribe one audio file'))
  .requiredOption('--audio <file>', AUDIO_FILE)
  .option('--json', 'print a JSON object')
  .action(async (o) => (await import('./commands/transcribe.ts')).run(o, cfg()));

withBackend(program.command('chunked').description('transcribe long audio in fixed-length chunks'))
  .requiredOption('--audio <file>', AUDIO_FILE)
  .option('--chunk-length <seconds>', 'chunk length', positiveNumber, 30)
  .option('--batch-size <n>', 'chunks submitted at once', positiveInt, 4)
  .option('--json', 'print a JSON object')
  .action(async (o) => (await import('./commands/chunked.ts')).run(o, cfg()));

const gateOptions = (c: Command) =>
  c
    .option('--baseline <name>', 'baseline backend (default: the config\'s)')
    .option('--baseline-model <path>', 'model for the baseline backend')
    .option('--model <path>', 'model for the device backend')
    .option('--library <path>', 'libwhisper to load for both (default: per backend)')
    .option('--threads <n>', 'CPU threads', positiveInt)
    .option('--language <code>', 'spoken language')
    .option('--no-cache', 'run the baseline on every case instead of reusing its cached results (config baselineCache)')
    .option('--shard <i/N>', 'run shard i (0-based) of N: the cases whose id hashes to i (accuracy) or every Nth warm run (performance); `report --input shards/*.json` merges the shards (default: from a Slurm array, Kubernetes Indexed Job, GitLab parallel:, CircleCI, Buildkite or AWS Batch array task\'s variables, or ASR_PARITY_SHARD_INDEX/ASR_PARITY_SHARD_COUNT)')
    .option('--shard-count <n>', 'how many shards, where the scheduler gives the index only (Kubernetes JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX)', positiveInt);

/** One flag per report format the command offers, from the registry (harness/report/formats/). */
const formatOptions = (c: Command, accuracy: boolean) => formatsOf({ accuracy }).reduce((cmd, name) => cmd.option(`${flagOf(name, 'gate')} <file>`, REPORT_FORMATS[name].help), c);

const normalizeOption = (description: string) => new Option('--normalize <mode>', description).choices(NORMALIZER_NAMES);

/** One flag per threshold, from the table (harness/config/threshold-table.ts); the help adds the effective value (helpWithDefaults). */
const thresholdOption = (name: ThresholdName) => {
  const { flag, parse, help } = THRESHOLD_TABLE[name];
  const o = new Option(flag, help);
  return typeof parse === 'string' ? o.argParser(parse === 'rate' ? rate : nonNegative) : o.choices(parse);
};

const accuracyOptions = (c: Command) =>
  THRESHOLD_NAMES.reduce((cmd, name) => cmd.addOption(thresholdOption(name)), formatOptions(gateOptions(c), true))
    .addOption(normalizeOption('text normalizer (default: the config\'s)'))
    .addOption(new Option('--cer-spaces <mode>', 'CER counts spaces (include, as jiwer) or drops whitespace (exclude) (default: the config\'s, exclude)').choices(['include', 'exclude']))
    .option('--pra <file>', 'write the per-utterance word alignments of every device backend in sclite\'s .pra layout')
    .addOption(new Option('--format <name>', 'read the cases as this corpus format (default: recognised by layout and content)').choices(INPUT_FORMATS))
    .option('--allow-pipes', 'run the commands a Kaldi wav.scp names (`cmd |`); refused by default, since they come from a data file');

accuracyOptions(program.command('compare').description('transcribe on a device backend and on a baseline; score, token parity, gate (exit 1 on failure)'))
  .requiredOption('--backend <name>', 'device backend: a name from the config or a registered backend')
  .requiredOption('--audio <path>', 'audio file, folder of audio files (walked), or a corpus: .jsonl manifest, NeMo manifest, Kaldi data folder, LibriSpeech, Common Voice .tsv, Hugging Face parquet')
  .option('--locate <case-id>', 'localize this case layer by layer (both backends must offer tensors: the torch engines); the first case whose top-1 flips is localized anyway unless the config sets localization.auto false')
  .addOption(new Option('--locate-mode <mode>', "isolation (each module fed the baseline's input) or propagation (default: the config's localization.mode)").choices(['isolation', 'propagation']))
  .action(async (o) => (await import('./commands/compare.ts')).run(o, cfg()));

accuracyOptions(program.command('eval-accuracy').description('device backends vs the baseline on the fixtures (tones, noise, speech); exit 1 on failure'))
  .option('--backend <name>', 'one device backend (default: every backend of the config)')
  .option('--num-test-cases <n>', 'how many cases (all by default)', positiveInt)
  .option('--manifest <file>', 'case manifest or corpus (default: the config\'s fixtures)')
  .option('--plan', 'print what the corpus can show (each claim\'s needs, the smallest WER increase the paired test can detect) and run nothing')
  .action(async (o) => (await import('./commands/eval-accuracy.ts')).run(o, cfg()));

const runsWhy = `fewer warm runs cannot bound even the median (P50 needs ${MIN_RUNS_FOR.p50} for its 95% bound to be an observed run, P90 ${MIN_RUNS_FOR.p90}, P99 ${MIN_RUNS_FOR.p99})`;
const runsOption = `warm runs (at least ${MIN_PERF_RUNS}, for P50 and its 95% bound; P90 needs ${MIN_RUNS_FOR.p90}, P99 ${MIN_RUNS_FOR.p99})`;

formatOptions(gateOptions(program.command('eval-perf').description('load time, first call, warm latency, RTF, memory and speedup over the baseline')), false)
  .option('--backend <name>', 'one device backend (default: every backend of the config)')
  .option('--duration <seconds>', 'audio length (default: the config\'s, 30)', positiveNumber)
  .option('--num-runs <n>', `${runsOption} (default: the config's)`, atLeast(MIN_PERF_RUNS, runsWhy))
  .action(async (o) => (await import('./commands/eval-perf.ts')).run(o, cfg()));

withBackend(program.command('benchmark').description('latency of repeated transcriptions of one file'))
  .requiredOption('--audio <file>', AUDIO_FILE)
  .option('--num-runs <n>', runsOption, atLeast(MIN_PERF_RUNS, runsWhy), 10)
  .option('--output <file>', 'write the result as a report JSON (what `report` reads and merges)')
  .action(async (o) => (await import('./commands/benchmark.ts')).run(o, cfg()));

program
  .command('engine-bench')
  .description('the prebuilt and the SIMD whisper.cpp library side by side: mean latency ratio (f32, f16) and binding overhead; writes JSON (npm run bench)')
  .option('--duration <seconds>', 'audio length, cut from the fixtures\' speech', positiveNumber, 30)
  .option('--num-runs <n>', 'calls per engine and model, alternating between the engines', atLeast(MIN_PERF_RUNS, runsWhy), 10)
  .option('--threads <n>', 'whisper.cpp threads (default: ASR_PARITY_THREADS or 2)', positiveInt)
  .option('--output <file>', 'where to write the JSON', 'results/engine-bench.json')
  .action(async (o) => (await import('./commands/engine-bench.ts')).run(o, cfg()));

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
  .addOption(normalizeOption('text normalizer (default: the config\'s)'))
  .action(async (o) => (await import('./commands/fuzz.ts')).run(o, cfg()));

withBackend(program.command('soak').description('long-run resource check: consecutive transcriptions and load/free cycles; RSS growth and file descriptors'))
  .option('--audio <file>', 'audio to transcribe (default: a speech fixture)')
  .option('--runs <n>', 'consecutive transcriptions', positiveInt, 500)
  .option('--cycles <n>', 'load/free cycles', positiveInt, 50)
  .option('--max-slope-mb <n>', 'exit 1 when RSS climbs faster than this many MB per iteration over the last half of either part (RSS read after a full GC and malloc_trim)', positiveNumber, 0.5)
  .option('--output <file>', 'write the result as JSON')
  .action(async (o) => (await import('./commands/soak.ts')).run(o, cfg()));

program
  .command('report')
  .description('merge report JSON files (e.g. eval-accuracy + eval-perf), render Markdown, flag regressions against an earlier report; exit 1 unless the verdict is PASS')
  .requiredOption('--input <files...>', 'report.json files written by asr-parity')
  .option(`${flagOf('markdown', 'merge')} <file>`, 'Markdown report to write (plots in <name>-plots/ beside it)', 'REPORT.md')
  .option(`${flagOf('html', 'merge')} <file>`, 'the self-contained HTML report (default: beside --output, <name>.html)')
  .option(`${flagOf('json', 'merge')} <file>`, 'also write the merged report JSON')
  .option(`${flagOf('csv', 'merge')} <file>`, 'also write the per-case accuracy results as CSV')
  .option(`${flagOf('junit', 'merge')} <file>`, 'also write JUnit XML of the merged report')
  .option('--baseline <old.json>', 'an earlier report: WER, CER and latency regressions are flagged')
  .option('--latency-tolerance <f>', 'latency counts as a regression only when the whole interval of its slowdown (from both runs\' warm samples) exceeds this fraction', nonNegative, 0.1)
  .option('--busy-latency-tolerance <f>', 'the same where either run was measured on a busy machine (others\' CPU share over 25% or steal over 2%): runs minutes apart on a busy machine differ by more than either run\'s own samples show', nonNegative, BUSY_LATENCY_TOLERANCE)
  .option('--fail-on-regression', 'exit 1 when a regression is found')
  .option('--allow-mismatch', 'compare or merge reports made by different models, engines, decoding settings, normalizers, fixtures or hosts; the differences head the report')
  .action(async (o) => (await import('./commands/report.ts')).run(o));

program
  .command('score')
  .description('WER/CER (and jiwer\'s MER, WIL, WIP) of hypothesis against reference trn files (sclite format)')
  .requiredOption('--ref <file>', 'reference trn')
  .requiredOption('--hyp <file>', 'hypothesis trn; twice (--hyp A --hyp B): both scored and B minus A with a paired interval and sign test', (v: string, prev?: string[]) => [...(prev ?? []), v])
  .addOption(normalizeOption('text normalizer applied to both').default('none'))
  .addOption(new Option('--cer-spaces <mode>', 'CER counts spaces (include, as jiwer and evaluate) or drops whitespace (exclude)').choices(['include', 'exclude']).default('exclude'))
  .option('--json', 'print one JSON object: corpus figures, the scoring conventions, and perUtterance: each utterance\'s counts, rates and alignment')
  .option('--pra <file>', 'write the per-utterance alignments in sclite\'s .pra layout (diffable against `sclite -i rm -o pra`)')
  .action(async (o) => (await import('./commands/score.ts')).run(o));

program
  .command('normalize')
  .description('normalize text from stdin, one line in, one line out')
  // 'none' only trims: not worth a command
  .addOption(new Option('--mode <mode>', 'normalizer').choices(NORMALIZER_NAMES.filter((n) => n !== 'none')).default('english'))
  .action(async (o) => (await import('./commands/normalize.ts')).run(o));

program
  .command('init')
  .description('write a starter config for your own models and backends, every field explained in "$comment" notes')
  .option('--output <file>', 'where to write it', 'asr-parity.config.json')
  .option('--force', 'overwrite an existing file')
  .option('--baseline-model <path>', 'your fp32 model for the baseline (cpu-fp32): a ggml file or a Hugging Face Whisper folder')
  .option('--model <path>', 'your model for the device backend (fp16): a ggml file or a Hugging Face Whisper folder')
  .option('--device-backend <name>', 'the backend under test: cann-fp16, cuda-fp16, cpu-fp16 or one of `asr-parity backends`', 'cpu-fp16')
  .option('--fixtures <manifest>', 'your test set, a .jsonl manifest')
  .action(async (o) => (await import('./commands/init.ts')).run(o));

program
  .command('fixtures')
  .description('generate the fixture audio, manifest and parity test models (cached)')
  .option('--quiet', 'no progress output')
  .option('--shape <name>', 'instead: the parity model at a named shape, e.g. distil-large-v3 (756M parameters: 2.8 GiB f32, 1.4 GiB f16), streamed to fixtures/generated/models/shaped/ (cached)')
  .option('--layout <list>', 'with --shape: f32 and f16 ggml files, hf a transformers folder (f32 safetensors), comma-separated', shapedLayouts, ['f32', 'f16', 'hf'])
  .action(async (o) => (await import('./commands/fixtures.ts')).run(o));

program
  .command('convert')
  .description('convert a Hugging Face Whisper folder to a whisper.cpp ggml file (as convert-h5-to-ggml.py does), or a ggml f32/f16 file back to a folder')
  .requiredOption('--model <path>', 'a Hugging Face Whisper folder (config.json, model.safetensors, vocab.json, ...) or a ggml model file')
  .requiredOption('--output <path>', 'the ggml file to write (from a folder), or the folder to write (from a ggml file)')
  .addOption(new Option('--dtype <type>', 'precision of the ggml file: f16 keeps 1-D tensors, conv biases and positional embeddings in f32, as whisper.cpp\'s converters do').choices(['f32', 'f16']).default('f16'))
  .action(async (o) => (await import('./commands/convert.ts')).run(o));

program
  .command('backends')
  .description('list backends: available or why not, library version, system info')
  .option('--json', 'print a JSON array')
  .action(async (o) => (await import('./commands/backends.ts')).run(o, cfg()));

program
  .command('bench')
  .description('benchmarks: CLI start-up vs node -e 0, score vs sctk sclite (10k and 100k utterances), engine-bench, and (--only full-size) the backends at distil-large-v3\'s size; writes JSON (npm run bench)')
  .option('--only <sections>', `comma-separated: ${BENCH_SECTIONS.join(', ')} (default: all but full-size, which makes a 4.2 GB model pair and runs for tens of minutes)`, benchSections, [...DEFAULT_BENCH_SECTIONS])
  .option('--quick', 'a short run: 5 start-up rounds, score at 10,000 utterances only, engine-bench on 10 s of audio with 5 runs')
  .option('--sizes <list>', 'utterance counts for the score benchmark', utteranceCounts)
  .option('--no-cer', 'skip sclite\'s character alignment (sclite -c is slow and takes about 10 GB at 100,000 utterances)')
  .option('--startup-runs <n>', 'rounds of the start-up benchmark', positiveInt)
  .option('--backends <list>', 'full-size: the backends measured (default cpu-fp32,cpu-fp16,torch-cpu-fp32,torch-cpu-bf16; one missing here is listed as skipped with the reason)', nameList)
  .option('--runs <list>', 'full-size: warm runs per backend over the defaults (cpu-fp32=5,cpu-fp16=5,torch-cpu-fp32=2,torch-cpu-bf16=1), e.g. cpu-fp32=2,cpu-fp16=2', runsPerBackend)
  .option('--threads <n>', 'full-size: CPU threads (default: ASR_PARITY_THREADS, else 2)', positiveInt)
  .option('--scale-sizes <list>', 'scale: gate case counts (default 100,1000,10000)', utteranceCounts)
  .option('--output <file>', 'where to write the JSON', 'results/bench.json')
  .action(async (o) => (await import('./commands/bench.ts')).run(o, cfg()));

// examples under every command's --help (help-examples.ts), bench's included
const { addExamples } = await import('./help-examples.ts');
addExamples(program);

try {
  // --version is answered before any command: it names the engine, which commander's own version option cannot
  const first = process.argv[2];
  if (first === '--version' || first === '-V') print((await import('./commands/version.ts')).versionText());
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
