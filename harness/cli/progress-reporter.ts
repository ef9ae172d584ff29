import cliProgress from 'cli-progress';

/**
 * Progress for every long command, readable wherever stderr goes. On a terminal: a bar with
 * elapsed time and ETA (cli-progress). Anywhere else (CI logs, `> log.txt 2>&1`): plain lines,
 * the first and last step of each task and one every `intervalMs` in between, each with step i
 * of n, elapsed time and ETA, so a log shows the run moving as it runs.
 *
 * Producers keep passing one string: a message holding "i/n" is step i of n of the task named
 * by the text before it ("cpu-fp32: 3/12 speech-03" is step 3 of 12 of "cpu-fp32"); one
 * without a count is a stage ("cpu-fp32: loading") shown as it is. A string crosses the worker
 * protocol unchanged, so isolated backends' progress gets an ETA too.
 */
export type ProgressMode = 'bar' | 'lines' | 'off';

export interface ProgressOptions {
  mode: ProgressMode;
  stream: NodeJS.WritableStream;
  /** Plain lines: at most one per task in this many ms, besides its first and last step. */
  intervalMs?: number;
  now?: () => number;
}

interface Task {
  key: string;
  startedAt: number;
  lastLineAt: number;
  total: number;
}

const STEP = /^(.*?)(\d+)\/(\d+)(.*)$/;

export function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export class ProgressReporter {
  private readonly o: Required<ProgressOptions>;
  private task: Task | undefined;
  private bar: cliProgress.SingleBar | undefined;
  private statusShown = false;
  private lastStage = '';

  constructor(o: ProgressOptions) {
    this.o = { intervalMs: 5000, now: () => performance.now(), ...o };
  }

  update(message: string): void {
    if (this.o.mode === 'off') return;
    const m = STEP.exec(message);
    const now = this.o.now();
    if (!m) return this.stage(message);
    const [, before, i, n, after] = m;
    const done = Number(i);
    const total = Number(n);
    // the task is the text before the count, less trailing words like "run" or "case"
    const key = before!.trim();
    if (!this.task || this.task.key !== key || this.task.total !== total || done < 1) {
      this.finishBar();
      this.task = { key, startedAt: now, lastLineAt: -Infinity, total };
    }
    const t = this.task;
    const elapsed = now - t.startedAt;
    // a message names the step it starts: i - 1 are finished
    const finished = Math.max(0, done - 1);
    const eta = finished > 0 ? (elapsed / finished) * (total - finished) : undefined;
    const detail = `${before}${i}/${n}${after}`.trim();
    if (this.o.mode === 'bar') return this.drawBar(detail, finished, total, elapsed, eta);
    if (done === 1 || done === total || now - t.lastLineAt >= this.o.intervalMs) {
      t.lastLineAt = now;
      this.line(`${detail} (step ${done} of ${total}, elapsed ${formatSeconds(elapsed)}, ETA ${eta === undefined ? 'after the first step' : formatSeconds(eta)})`);
    }
  }

  /** Clears the display (a terminal) before a result is printed, or at the end. */
  done(): void {
    this.finishBar();
    if (this.statusShown) this.o.stream.write('\r\x1b[K');
    this.statusShown = false;
    this.task = undefined;
    this.lastStage = '';
  }

  private stage(message: string): void {
    if (this.o.mode === 'bar') {
      this.finishBar();
      this.o.stream.write(`\r\x1b[K${message}`);
      this.statusShown = true;
      return;
    }
    // a stage is printed once, however often it is repeated
    if (message === this.lastStage) return;
    this.lastStage = message;
    this.line(message);
  }

  private line(s: string): void {
    this.o.stream.write(`progress: ${s}\n`);
  }

  private drawBar(detail: string, finished: number, total: number, elapsed: number, eta: number | undefined): void {
    if (this.statusShown) this.o.stream.write('\r\x1b[K');
    this.statusShown = false;
    const payload = { detail, elapsedText: formatSeconds(elapsed), etaText: eta === undefined ? '…' : formatSeconds(eta) };
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.o.stream,
          format: '{bar} {value}/{total} | elapsed {elapsedText} | ETA {etaText} | {detail}',
          barsize: 20,
          hideCursor: false,
          clearOnComplete: true,
          // our own clock and ETA: cli-progress's is per render, ours per finished step
          fps: 5,
          noTTYOutput: !(this.o.stream as NodeJS.WriteStream).isTTY,
          notTTYSchedule: 1000,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, finished, payload);
    } else this.bar.update(finished, payload);
  }

  private finishBar(): void {
    if (!this.bar) return;
    this.bar.stop();
    this.bar = undefined;
  }
}

/** `ASR_PARITY_PROGRESS` = bar, lines or off overrides what stderr suggests; `ASR_PARITY_PROGRESS_INTERVAL` is seconds between plain lines. */
export function progressFromEnvironment(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ProgressReporter {
  const asked = env.ASR_PARITY_PROGRESS;
  const mode: ProgressMode = asked === 'bar' || asked === 'lines' || asked === 'off' ? asked : stream.isTTY ? 'bar' : 'lines';
  const seconds = env.ASR_PARITY_PROGRESS_INTERVAL?.trim() ? Number(env.ASR_PARITY_PROGRESS_INTERVAL) : 5;
  return new ProgressReporter({ mode, stream, intervalMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 5000 });
}
