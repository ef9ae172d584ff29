import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, extname, isAbsolute, join } from 'node:path';
import { execa } from 'execa';
import { encodeWav } from '../../harness/audio/wav.ts';
import { CommandFailedError } from '../../harness/errors.ts';
import { sha256File } from '../../harness/io/file-sha256.ts';
import { defineBackend, type Availability, type Backend, type LoadedBackend } from '../types.ts';
import { COMMAND_CONFIG, type CommandOptions } from './command-config.ts';
import type { CommandSpec } from './command-spec.ts';
import { defaultThreads } from '../whisper-cpp/whisper-cpp.ts';

export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;

/** A program name resolved the way execve would find it, without a shell. */
export function findProgram(program: string, cwd?: string): string | undefined {
  const candidates = program.includes('/') ? [isAbsolute(program) || !cwd ? program : join(cwd, program)] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, program));
  return candidates.find((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Replaces {name} placeholders inside each argument; arguments stay separate, so nothing is ever re-parsed by a shell. */
export function fillArgs(args: readonly string[], values: Record<string, string>): string[] {
  return args.map((a) =>
    a.replace(/\{(\w+)\}/g, (whole, key: string) => {
      const v = values[key];
      if (v === undefined) throw new CommandFailedError(whole, `unknown placeholder in the command's arguments`, `use ${Object.keys(values).map((k) => `{${k}}`).join(', ')}`);
      return v;
    }),
  );
}

/** The transcript out of a program's stdout, as the spec says to find it. */
export function parseTranscript(stdout: string, output: CommandSpec['output'], program: string): string {
  if (output.format === 'text') {
    if (!output.lastLine) return stdout.trim();
    return (stdout.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '');
  }
  if (output.format === 'regex') {
    const m = new RegExp(output.pattern, 'm').exec(stdout);
    if (!m) throw new CommandFailedError(program, `its output does not match /${output.pattern}/`, 'check the output pattern against what the program prints');
    return (m[1] ?? m[0]).trim();
  }
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  for (const line of lines.reverse()) {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      continue;
    }
    const v = output.field.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
    if (typeof v === 'string') return v.trim();
    throw new CommandFailedError(program, `field "${output.field}" of its JSON output is ${v === undefined ? 'missing' : typeof v}, not a string`, 'check the output field');
  }
  throw new CommandFailedError(program, 'printed no JSON object line', `expected JSON with a "${output.field}" field on stdout`);
}

export interface CommandBackendSpec {
  name: string;
  description: string;
  device: string;
  precision: string;
  /** The command when the options carry none (a preset). */
  defaultCommand?: CommandSpec;
  /** What to install when the program is missing. */
  installHint?: string;
}

/** A backend that runs an external transcriber once per audio file through execa, never through a shell. */
export function commandBackend(spec: CommandBackendSpec): Backend<CommandOptions> {
  const commandOf = (opts: CommandOptions) => opts.command ?? spec.defaultCommand;
  const available = async (opts: CommandOptions = {}): Promise<Availability> => {
    const c = commandOf(opts);
    if (!c) return { ok: false, reason: 'no command configured: give the backend entry a "command" (program, args, output)' };
    const path = findProgram(c.program, c.cwd);
    if (!path) return { ok: false, reason: `program "${c.program}" not found${c.program.includes('/') ? '' : ' on PATH'}${spec.installHint ? ` (${spec.installHint})` : ''}` };
    return { ok: true, details: { program: path, args: c.args.join(' ') } };
  };
  return defineBackend<CommandOptions>({
    name: spec.name,
    description: spec.description,
    device: spec.device,
    precision: spec.precision,
    capabilities: [],
    config: COMMAND_CONFIG,
    available,
    async load(opts: CommandOptions = {}): Promise<LoadedBackend> {
      // availability was answered when the backend was resolved; only what load needs is looked up here
      const c = commandOf(opts);
      if (!c) throw new CommandFailedError(spec.name, 'no command configured', 'give the backend entry a "command" (program, args, output)');
      const t0 = performance.now();
      const program = findProgram(c.program, c.cwd);
      if (!program) throw new CommandFailedError(c.program, `program not found${c.program.includes('/') ? '' : ' on PATH'}`, spec.installHint ?? 'see `asr-parity backends`');
      const hash = await sha256File(program);
      const dir = mkdtempSync(join(tmpdir(), 'asr-parity-cmd-'));
      const timeoutMs = c.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
      const fixed = { model: opts.model ?? '', device: c.device ?? 'cpu', language: opts.language ?? 'en', threads: String(opts.threads ?? defaultThreads()) };
      fillArgs(c.args, { ...fixed, audio: '' }); // an unknown placeholder fails here, not on the first file
      let calls = 0;
      let disposed = false;
      return {
        loadMs: performance.now() - t0,
        async transcribe(audio) {
          if (disposed) throw new CommandFailedError(spec.name, 'backend was already disposed', 'load it again');
          // the program gets the audio as asr-parity decoded it, under the source's own name
          const stem = basename(audio.source.path, extname(audio.source.path)) || 'audio';
          const file = join(dir, `${++calls}-${stem}.wav`);
          writeFileSync(file, encodeWav(audio.samples, 16000));
          const args = fillArgs(c.args, { ...fixed, audio: file });
          const start = performance.now();
          try {
            const r = await execa(program, args, { cwd: c.cwd, env: c.env, timeout: timeoutMs, forceKillAfterDelay: 2000, reject: false, stdin: 'ignore', shell: false, maxBuffer: 16 * 2 ** 20, stripFinalNewline: false });
            const tail = (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
            if (r.timedOut) throw new CommandFailedError(c.program, `timed out after ${timeoutMs} ms on ${audio.source.path} and was killed`, 'raise the command\'s timeoutMs or check the program');
            if (r.exitCode !== 0) throw new CommandFailedError(c.program, `exited with ${r.exitCode ?? r.signal} on ${audio.source.path}${tail ? `: ${tail}` : ''}`, 'run the command by hand to see why');
            return { text: parseTranscript(r.stdout ?? '', c.output, c.program), timings: { totalMs: performance.now() - start } };
          } finally {
            rmSync(file, { force: true });
          }
        },
        describe: () => ({ backend: spec.name, engine: 'command', program, programSha256: hash, args: c.args.join(' '), output: c.output.format, timeoutMs, device: fixed.device, threads: Number(fixed.threads), language: fixed.language, ...(opts.model ? { model: basename(opts.model), modelPath: opts.model } : {}) }),
        dispose: () => {
          disposed = true;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  });
}
