import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The whisper.cpp sources the SIMD engine is built from: whisper.rn's vendored tree (MIT), a
 * complete whisper.cpp 1.9.3 with ggml's symbols prefixed `wsp_ggml_`. Fetched with `npm pack`
 * rather than declared as a dependency: whisper.rn's peerDependencies (react, react-native)
 * would make npm install 233 packages with it. The tarball is checked against this integrity.
 */
export const ENGINE_SOURCE = {
  name: 'whisper.rn',
  version: '0.7.4',
  integrity: 'sha512-9MyWFoRmUWHDHLhjm4dZgZzxG2fFNuClOPE/Ne5KXlm0vSi4It5oS2xZi9WfPEfUGHcgPMiVviv9t18zC4BSNw==',
  whisperCpp: '1.9.3',
  license: 'MIT',
} as const;

export const ENGINE_SOURCE_SPEC = `${ENGINE_SOURCE.name}@${ENGINE_SOURCE.version}`;

/**
 * What to compile, relative to the package root: the source list of whisper.rn's
 * android/src/main/CMakeLists.txt (its x86_64 library) without the React Native glue
 * (rn-whisper.cpp, jsi/, jni.cpp) and the Parakeet model (parakeet.cpp), which whisper.cpp does not use.
 */
export const ENGINE_SOURCES = [
  'cpp/ggml.c',
  'cpp/ggml.cpp',
  'cpp/ggml-alloc.c',
  'cpp/ggml-backend.cpp',
  'cpp/ggml-backend-meta.cpp',
  'cpp/ggml-backend-reg.cpp',
  'cpp/ggml-backend-dl.cpp',
  'cpp/ggml-cpu/amx/amx.cpp',
  'cpp/ggml-cpu/amx/mmq.cpp',
  'cpp/ggml-cpu/ggml-cpu.c',
  'cpp/ggml-cpu/ggml-cpu.cpp',
  'cpp/ggml-cpu/quants.c',
  'cpp/ggml-cpu/traits.cpp',
  'cpp/ggml-cpu/repack.cpp',
  'cpp/ggml-cpu/unary-ops.cpp',
  'cpp/ggml-cpu/binary-ops.cpp',
  'cpp/ggml-cpu/vec.cpp',
  'cpp/ggml-cpu/ops.cpp',
  'cpp/ggml-opt.cpp',
  'cpp/ggml-threading.cpp',
  'cpp/ggml-quants.c',
  'cpp/gguf.cpp',
  'cpp/whisper.cpp',
  'cpp/ggml-cpu/arch/x86/quants.c',
  'cpp/ggml-cpu/arch/x86/repack.cpp',
] as const;

function integrityOf(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** npm itself: the one running this install (npm_execpath) or the one on PATH. */
function npmCommand(): [string, string[]] {
  const cli = process.env.npm_execpath;
  return cli && /npm-cli\.js$/.test(cli) ? [process.execPath, [cli]] : ['npm', []];
}

/**
 * The unpacked package root (holding cpp/ and LICENSE), fetched once into `cacheDir` with
 * `npm pack` (npm's own cache and registry settings) and checked against the pinned integrity.
 * Throws with the reason when npm or tar fail or the tarball is not the pinned one.
 */
export async function engineSourceDir(cacheDir: string): Promise<string> {
  const root = join(cacheDir, `${ENGINE_SOURCE.name}-${ENGINE_SOURCE.version}`);
  const stamp = join(root, '.unpacked');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === ENGINE_SOURCE.integrity) return join(root, 'package');
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, `${ENGINE_SOURCE.name}-${ENGINE_SOURCE.version}.tgz`);
  if (!existsSync(tarball) || integrityOf(tarball) !== ENGINE_SOURCE.integrity) {
    const [cmd, pre] = npmCommand();
    await run(cmd, [...pre, 'pack', ENGINE_SOURCE_SPEC, '--pack-destination', cacheDir, '--silent'], { cwd: cacheDir, maxBuffer: 16 * 2 ** 20 }).catch((e: { stderr?: string; message: string }) => {
      throw new Error(`npm pack ${ENGINE_SOURCE_SPEC} failed: ${(e.stderr || e.message).trim().split('\n').pop()}`);
    });
    const got = existsSync(tarball) ? integrityOf(tarball) : 'no file';
    if (got !== ENGINE_SOURCE.integrity) throw new Error(`${tarball}: integrity ${got} is not the pinned ${ENGINE_SOURCE.integrity}`);
  }
  const tmp = `${root}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', tmp, 'package/cpp', 'package/LICENSE']).catch((e: { stderr?: string; message: string }) => {
    throw new Error(`tar could not unpack ${tarball}: ${(e.stderr || e.message).trim().split('\n').pop()}`);
  });
  writeFileSync(join(tmp, '.unpacked'), ENGINE_SOURCE.integrity);
  rmSync(root, { recursive: true, force: true });
  renameSync(tmp, root);
  return join(root, 'package');
}
