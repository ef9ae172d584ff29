import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ENGINE_RECORD, engineCacheDir, type EngineRecord } from '../cpu-engine.ts';
import { abiProbeSource } from './abi-probe.ts';
import { chooseIsa } from './cpu-isa.ts';
import { ENGINE_SOURCE, ENGINE_SOURCE_SPEC, ENGINE_SOURCES, engineSourceDir } from './whisper-rn-source.ts';

/**
 * Builds libwhisper with SIMD from whisper.rn's vendored whisper.cpp: the sources compiled two
 * at a time with the CPU's instruction set, linked with `g++ -shared`, loaded once in a child
 * process to check version and struct layout, cached under a key of everything that shapes
 * the binary. Never throws: anything that goes wrong records the prebuilt and the reason.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const run = promisify(execFile);

/**
 * The defines of whisper.rn's Android build, -O3 and position-independent code, and OpenMP for
 * ggml's threads (as in the prebuilt): ggml's own thread pool busy-waits at every barrier, and on
 * a busy machine (npm test runs two whisper.cpp processes of 2 threads each on 2 cores) a
 * 2-thread call then took 1564 ms mean against 195 ms with OpenMP (speech-03, f32, same run).
 * The ISA flags come from the CPU.
 */
const BASE_FLAGS = ['-O3', '-DNDEBUG', '-fPIC', '-pthread', '-fopenmp', '-D_GNU_SOURCE', '-DWSP_GGML_USE_CPU', '-DWSP_GGML_USE_CPU_REPACK', '-DWSP_GGML_USE_OPENMP'];
/** Relative: the compiler runs in the package root, so no path of this machine enters the flags or the key. */
const INCLUDES = ['-I', 'cpp', '-I', 'cpp/ggml-cpu'];
const STD = { c: '-std=gnu11', cxx: '-std=gnu++17' };
const LINK = ['-shared', '-pthread', '-fopenmp'];
const PROBE = 'asr-parity-abi-probe.c';

export interface BuildOptions {
  cacheDir?: string;
  /** Build even when a build of this key exists or failed before. */
  force?: boolean;
  /** Compilations at once (default: two, or one on a single core). */
  jobs?: number;
  log?: (line: string) => void;
  progress?: (done: number, total: number, file: string) => void;
}

export interface BuildOutcome {
  record: EngineRecord;
  /** An earlier build of the same key was used. */
  reused: boolean;
  /** One line for the person installing: what was built or reused, or why the prebuilt is used. */
  notice: string;
}

/** A failure of the build itself (not of fetching its sources): remembered per key so every install does not retry it. */
class BuildFailure extends Error {}

async function compilerVersion(cmd: string): Promise<string> {
  try {
    const { stdout } = await run(cmd, ['--version']);
    return stdout.split('\n')[0]!.trim();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `no compiler: ${cmd} not found` : `${cmd} --version failed: ${(e as Error).message.split('\n')[0]}`);
  }
}

function compile(cmd: string, args: string[], cwd: string, what: string): Promise<void> {
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => {
      if (err.length < 64_000) err += d.toString();
    });
    p.on('error', (e) => fail(new BuildFailure(`${cmd} could not run on ${what}: ${e.message}`)));
    p.on('close', (code, signal) => {
      if (code === 0) return ok();
      const line = err.split('\n').find((l) => /error/i.test(l)) ?? err.trim().split('\n').pop() ?? '';
      const e = new BuildFailure(`${cmd} failed on ${what} (${signal ?? `exit ${code}`}): ${line.trim()}`);
      (e as Error & { output?: string }).output = err;
      fail(e);
    });
  });
}

async function pool<T>(items: readonly T[], jobs: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && !failed) {
      const item = items[next++]!;
      await work(item).catch((e: unknown) => {
        failed ??= e;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  if (failed) throw failed;
}

function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Loads the library in a child process, through the same loader the backends use. */
async function checkLibrary(library: string): Promise<{ version: string; systemInfo: string; abi: string }> {
  const script = join(ROOT, 'backends/whisper-cpp/engine/engine-build/check-library.ts');
  let out: string;
  try {
    out = (await run(process.execPath, ['--import', 'tsx', script, library], { cwd: ROOT, env: { ...process.env, ASR_PARITY_WHISPER_LOG: '' } })).stdout;
  } catch (e) {
    throw new BuildFailure(`the built library could not be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = JSON.parse(out) as { ok: boolean; reason?: string; version: string; systemInfo: string; abi: string; layoutVerified: boolean };
  if (!r.ok) throw new BuildFailure(`the built library was refused: ${r.reason}`);
  if (r.version !== ENGINE_SOURCE.whisperCpp) throw new BuildFailure(`the built library reports whisper.cpp ${r.version}, expected ${ENGINE_SOURCE.whisperCpp}`);
  if (!r.layoutVerified || r.abi !== 'whisper.rn-1.9') throw new BuildFailure(`the built library's struct layout was not verified (abi ${r.abi})`);
  return r;
}

export async function buildEngine(opts: BuildOptions = {}): Promise<BuildOutcome> {
  const cacheDir = opts.cacheDir ?? engineCacheDir();
  const log = opts.log ?? (() => {});
  const prebuilt = (reason: string): BuildOutcome => {
    const record: EngineRecord = { engineBuild: 'prebuilt', reason, at: new Date().toISOString() };
    try {
      writeJsonAtomic(join(cacheDir, ENGINE_RECORD), record);
    } catch {
      // an unwritable cache: the runtime finds no record and uses the prebuilt anyway
    }
    return { record, reused: false, notice: `asr-parity: using the prebuilt whisper.cpp library (no SIMD): ${reason}` };
  };
  try {
    if (process.env.ASR_PARITY_ENGINE === 'prebuilt') return prebuilt('ASR_PARITY_ENGINE=prebuilt');
    const isa = chooseIsa();
    if (!isa.ok) return prebuilt(isa.reason);
    const cc = process.env.CC || 'gcc';
    const cxx = process.env.CXX || 'g++';
    let versions: string[];
    try {
      versions = await Promise.all([compilerVersion(cc), compilerVersion(cxx)]);
    } catch (e) {
      return prebuilt((e as Error).message);
    }
    const compiler = versions[0] === versions[1] ? versions[0]! : versions.join(' + ');
    const flags = [...BASE_FLAGS, ...isa.flags, ...INCLUDES].join(' ');
    const probe = abiProbeSource();
    const key = createHash('sha256')
      .update(JSON.stringify({ source: ENGINE_SOURCE, sources: ENGINE_SOURCES, flags, std: STD, link: LINK, cc, cxx, versions, probe }))
      .digest('hex')
      .slice(0, 16);
    const builds = join(cacheDir, 'builds');
    const dir = join(builds, key);
    const failedMemo = join(builds, `${key}.failed`);
    if (!opts.force && existsSync(join(dir, 'build.json')) && existsSync(join(dir, 'libwhisper.so'))) {
      const record = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as EngineRecord;
      writeJsonAtomic(join(cacheDir, ENGINE_RECORD), record);
      return { record, reused: true, notice: `asr-parity: SIMD whisper.cpp engine (${isa.name}) reused from ${dir}` };
    }
    if (!opts.force && existsSync(failedMemo)) return prebuilt(`${readFileSync(failedMemo, 'utf8').trim()} (an earlier build of this source and compiler; npm run build-engine -- --force retries)`);

    const jobs = opts.jobs ?? Math.max(1, Math.min(2, availableParallelism()));
    log(`asr-parity: building the SIMD whisper.cpp engine from ${ENGINE_SOURCE_SPEC} (whisper.cpp ${ENGINE_SOURCE.whisperCpp}, ${isa.name}, ${ENGINE_SOURCES.length + 1} files, ${jobs} at a time; about 1-2 min on 2 cores)`);
    let src: string;
    try {
      src = await engineSourceDir(cacheDir);
    } catch (e) {
      return prebuilt((e as Error).message);
    }
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(join(tmp, 'obj'), { recursive: true });
    try {
      const t0 = performance.now();
      const probePath = join(tmp, PROBE);
      writeFileSync(probePath, probe);
      const files = [...ENGINE_SOURCES, probePath];
      const objects = files.map((f) => join(tmp, 'obj', f === probePath ? 'asr-parity-abi-probe.o' : `${f.replace(/[/.]/g, '_')}.o`));
      let done = 0;
      await pool(
        files.map((f, i) => [f, objects[i]!] as const),
        jobs,
        async ([file, obj]) => {
          const cxxFile = /\.cpp$/.test(file);
          await compile(cxxFile ? cxx : cc, [cxxFile ? STD.cxx : STD.c, ...BASE_FLAGS, ...isa.flags, ...INCLUDES, '-c', file, '-o', obj], src, file === probePath ? PROBE : file);
          opts.progress?.(++done, files.length, file === probePath ? PROBE : file);
        },
      );
      const library = join(tmp, 'libwhisper.so');
      await compile(cxx, [...LINK, '-o', library, ...objects], src, 'the link');
      const buildSeconds = Math.round((performance.now() - t0) / 100) / 10;
      await checkLibrary(library);
      rmSync(join(tmp, 'obj'), { recursive: true, force: true });
      const record: EngineRecord = {
        engineBuild: 'simd',
        library: `builds/${key}/libwhisper.so`,
        source: ENGINE_SOURCE_SPEC,
        whisperCpp: ENGINE_SOURCE.whisperCpp,
        isa: isa.name,
        cpuFlags: isa.cpuFlags,
        flags: `${flags}; C ${STD.c}, C++ ${STD.cxx}; linked with ${cxx.split('/').pop()} ${LINK.join(' ')}`,
        compiler,
        key,
        builtAt: new Date().toISOString(),
        buildSeconds,
      };
      writeJsonAtomic(join(tmp, 'build.json'), record);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      writeJsonAtomic(join(cacheDir, ENGINE_RECORD), record);
      // builds of other keys (older flags, compiler or source) are never used again
      for (const old of readdirSync(builds)) if (!old.startsWith(key) && !old.includes('.tmp-')) rmSync(join(builds, old), { recursive: true, force: true });
      rmSync(failedMemo, { force: true });
      return { record, reused: false, notice: `asr-parity: built the SIMD whisper.cpp engine (${isa.name}) in ${buildSeconds} s: ${join(dir, 'libwhisper.so')}` };
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      if (e instanceof BuildFailure) {
        mkdirSync(builds, { recursive: true });
        writeFileSync(failedMemo, `${e.message}\n`);
        const output = (e as Error & { output?: string }).output;
        if (output) writeFileSync(join(builds, `${key}.log`), output);
      }
      return prebuilt((e as Error).message);
    }
  } catch (e) {
    return prebuilt(`unexpected error while building: ${(e as Error).message}`);
  }
}
