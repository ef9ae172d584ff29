import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressReporter } from './progress-reporter.ts';

/** A stream that keeps what was written, and a clock the test moves. */
function setup(mode: 'bar' | 'lines', intervalMs = 5000) {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  let t = 0;
  const r = new ProgressReporter({ mode, stream, intervalMs, now: () => t });
  return { r, tick: (ms: number) => (t += ms), text: () => out };
}

describe('progress without a terminal: plain lines', () => {
  it('prints the first and last step and one per interval between, with step i of n, elapsed time and ETA', () => {
    const { r, tick, text } = setup('lines', 5000);
    for (let i = 1; i <= 10; i++) {
      r.update(`cpu-fp32: ${i}/10 case-${i}`);
      tick(2000); // each step takes 2 s
    }
    const lines = text().trim().split('\n');
    // steps 1 (t=0), 4 (t=6 s), 7 (t=12 s), 10 (t=18 s): the first, every 5 s or more, the last
    expect(lines).toEqual([
      'progress: cpu-fp32: 1/10 case-1 (step 1 of 10, elapsed 0 s, ETA after the first step)',
      'progress: cpu-fp32: 4/10 case-4 (step 4 of 10, elapsed 6 s, ETA 14 s)',
      'progress: cpu-fp32: 7/10 case-7 (step 7 of 10, elapsed 12 s, ETA 8 s)',
      'progress: cpu-fp32: 10/10 case-10 (step 10 of 10, elapsed 18 s, ETA 2 s)',
    ]);
  });

  it('a new task restarts the clock; a stage without a count is printed once', () => {
    const { r, tick, text } = setup('lines', 0);
    r.update('cpu-fp32: loading');
    r.update('cpu-fp32: loading');
    tick(1000);
    r.update('cpu-fp32: 1/2 a');
    tick(3000);
    r.update('cpu-fp32: 2/2 b');
    tick(1000);
    r.update('cpu-fp16: 1/2 a');
    expect(text().trim().split('\n')).toEqual([
      'progress: cpu-fp32: loading',
      'progress: cpu-fp32: 1/2 a (step 1 of 2, elapsed 0 s, ETA after the first step)',
      'progress: cpu-fp32: 2/2 b (step 2 of 2, elapsed 3 s, ETA 3 s)',
      'progress: cpu-fp16: 1/2 a (step 1 of 2, elapsed 0 s, ETA after the first step)',
    ]);
  });
});

describe('progress on a terminal: a bar (cli-progress)', () => {
  it('draws the bar with the count, elapsed time and ETA, and clears it when done', () => {
    const { r, tick, text } = setup('bar');
    r.update('cpu-fp16: 1/4 speech-01');
    tick(10_000);
    r.update('cpu-fp16: 3/4 speech-03');
    r.done();
    const out = text();
    expect(out).toMatch(/0\/4 \| elapsed 0 s \| ETA … \| cpu-fp16: 1\/4 speech-01/);
    expect(out).toMatch(/2\/4 \| elapsed 10 s \| ETA 10 s \| cpu-fp16: 3\/4 speech-03/);
    expect(out).toMatch(/[░█]{20}/);
  });
});
