import type { Command } from 'commander';

/**
 * Examples shown under each command's --help: the commands a porting engineer types first.
 * A command without an entry here is caught by suites/cli-conventions.test.ts.
 */
export const EXAMPLES: Record<string, string[]> = {
  'asr-parity': [
    'asr-parity init                         # a starter config for your models',
    'asr-parity backends                     # what can run here, and why not',
    'asr-parity eval-accuracy --output results/accuracy.json --markdown results/REPORT.md',
    'asr-parity compare --backend cann-fp16 --audio my-test-set/ --csv cases.csv',
    'asr-parity <command> --help             # options and examples of one command',
  ],
  init: [
    'asr-parity init',
    'asr-parity init --baseline-model models/ggml-distil-large-v3-f32.bin --model models/ggml-distil-large-v3-f16.bin --device-backend cann-fp16',
    'asr-parity init --output configs/npu.json --force',
  ],
  transcribe: [
    'asr-parity transcribe --backend cpu-fp32 --audio speech.wav',
    'asr-parity transcribe --backend cpu-fp16 --model models/ggml-f16.bin --audio call.mp3 --json',
  ],
  convert: [
    'asr-parity convert --model ./distil-large-v3 --output models/ggml-distil-large-v3-f16.bin --dtype f16',
    'asr-parity convert --model ./distil-large-v3 --output models/ggml-distil-large-v3-f32.bin --dtype f32',
    'asr-parity convert --model models/ggml-small-f32.bin --output ./small-hf',
  ],
  chunked: ['asr-parity chunked --backend cpu-fp16 --audio lecture.m4a --chunk-length 30 --batch-size 4'],
  compare: [
    'asr-parity compare --backend cpu-fp16 --audio my-test-set/',
    'asr-parity compare --backend cann-fp16 --audio cases.jsonl --output r.json --markdown r.md --csv cases.csv --junit junit.xml',
    'asr-parity compare --backend cpu-fp16 --model f16.bin --baseline-model f32.bin --audio take1.flac --max-wer 2%',
    'asr-parity compare --backend cann-fp16 --audio LibriSpeech/test-clean --output r.json',
    'asr-parity compare --backend cann-fp16 --audio data/test --format kaldi --allow-pipes',
    'asr-parity compare --backend torch-npu-fp16 --baseline torch-cpu-fp32 --audio my-test-set/ --locate utt-017.wav --markdown r.md',
  ],
  'eval-accuracy': [
    'asr-parity eval-accuracy',
    'asr-parity eval-accuracy --backend cann-fp16 --output results/accuracy.json --junit results/accuracy-junit.xml',
    'asr-parity eval-accuracy --manifest my-cases.jsonl --evidence bound --csv cases.csv > log.txt 2>&1',
    'asr-parity eval-accuracy --plan --manifest cv-corpus/en/test.tsv --max-wer-increase 1%',
  ],
  'eval-perf': [
    'asr-parity eval-perf --output results/perf.json',
    'asr-parity eval-perf --backend cann-fp16 --duration 30 --num-runs 30 --junit results/perf-junit.xml',
  ],
  benchmark: ['asr-parity benchmark --backend cpu-fp16 --audio speech.wav --num-runs 10 --output bench.json'],
  'engine-bench': ['asr-parity engine-bench --duration 30 --num-runs 10'],
  bench: ['asr-parity bench --quick', 'asr-parity bench --only score --sizes 10000', 'npm run bench'],
  fuzz: ['asr-parity fuzz --backend cpu-fp16 --runs 100 --seed 1', 'asr-parity fuzz --backend cann-fp16 --time-limit 600 --output-dir results/fuzz'],
  soak: ['asr-parity soak --backend cpu-fp16 --runs 500 --cycles 50 --output soak.json'],
  report: [
    'asr-parity report --input results/accuracy.json results/perf.json --output REPORT.md',
    'asr-parity report --input today.json --baseline last-week.json --fail-on-regression',
  ],
  score: [
    'asr-parity score --ref ref.trn --hyp hyp.trn --normalize english',
    'asr-parity score --ref ref.trn --hyp hyp.trn --cer-spaces include --json > scores.json',
    'asr-parity score --ref ref.trn --hyp hyp.trn --pra hyp.pra && sclite -r ref.trn trn -h hyp.trn trn -i rm -o pra stdout | diff - hyp.pra',
  ],
  normalize: ['echo "Mr. Smith paid $20." | asr-parity normalize --mode english'],
  fixtures: ['asr-parity fixtures', 'npm run fixtures'],
  backends: ['asr-parity backends', 'asr-parity --config configs/npu.json backends --json'],
};

/** Adds an "Examples:" section under the help of the program and of every command that has examples. */
export function addExamples(program: Command): void {
  const section = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
  program.addHelpText('after', section(EXAMPLES['asr-parity']!));
  for (const c of program.commands) {
    const lines = EXAMPLES[c.name()];
    if (lines) c.addHelpText('after', section(lines));
  }
}
