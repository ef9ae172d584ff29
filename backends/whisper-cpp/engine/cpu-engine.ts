import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuFlags } from './engine-build/cpu-isa.ts';
import { bundledLibraryPath, bundledLibraryPackage } from './whisper-library.ts';

/**
 * Which libwhisper the CPU backends load by default: the SIMD build made at install
 * (engine-build/, recorded in `<cache>/engine.json`) when it exists and this CPU can run it,
 * else the prebuilt from @fugood/node-whisper-linux-x64. ASR_PARITY_WHISPER_LIB and a
 * backend's `library` win over both (see backends/whisper-cpp/whisper-cpp.ts).
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the engine build keeps its sources, objects, libraries and its record. */
export function engineCacheDir(): string {
  return process.env.ASR_PARITY_ENGINE_CACHE ?? join(ROOT, '.cache', 'whisper-engine');
}

export const ENGINE_RECORD = 'engine.json';

/** What the last install's engine build left: a library, or the reason the prebuilt is used. */
export type EngineRecord =
  | {
      engineBuild: 'simd';
      /** Relative to the cache folder, so a moved checkout keeps its build. */
      library: string;
      source: string;
      whisperCpp: string;
      isa: string;
      /** /proc/cpuinfo flags the build was compiled for: checked again on every run. */
      cpuFlags: string[];
      flags: string;
      compiler: string;
      key: string;
      builtAt: string;
      buildSeconds: number;
    }
  | { engineBuild: 'prebuilt'; reason: string; at: string };

export function readEngineRecord(cacheDir = engineCacheDir()): EngineRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(cacheDir, ENGINE_RECORD), 'utf8')) as EngineRecord;
  } catch {
    return undefined;
  }
}

export type EngineFacts = Record<string, string>;
export interface CpuEngine {
  build: 'simd' | 'prebuilt';
  library: string | undefined;
  facts: EngineFacts;
}

function prebuiltFacts(why: string): EngineFacts {
  return {
    engineBuild: 'prebuilt',
    engineSource: bundledLibraryPackage() ?? '@fugood/node-whisper-linux-x64 (not installed)',
    engineBuildFlags: 'prebuilt binary (no SIMD: see systemInfo)',
    engineNote: why,
  };
}

/** The default CPU libwhisper and what it is. Read on each call: cheap, and a build made meanwhile counts. */
export function cpuEngine(): CpuEngine {
  const prebuilt = (why: string): CpuEngine => ({ build: 'prebuilt', library: bundledLibraryPath(), facts: prebuiltFacts(why) });
  if (process.env.ASR_PARITY_ENGINE === 'prebuilt') return prebuilt('ASR_PARITY_ENGINE=prebuilt');
  const cache = engineCacheDir();
  const r = readEngineRecord(cache);
  if (!r) return prebuilt(`no SIMD build in ${cache} (npm install makes one; or run npm run build-engine)`);
  if (r.engineBuild === 'prebuilt') return prebuilt(r.reason);
  const library = isAbsolute(r.library) ? r.library : join(cache, r.library);
  if (!existsSync(library)) return prebuilt(`the SIMD build ${library} is gone (run npm run build-engine)`);
  const have = cpuFlags();
  const lacking = r.cpuFlags.filter((f) => !have.has(f));
  if (lacking.length) return prebuilt(`this CPU lacks ${lacking.join(', ')}, which the SIMD build was compiled for (run npm run build-engine)`);
  return {
    build: 'simd',
    library,
    facts: { engineBuild: 'simd', engineSource: `${r.source} (whisper.cpp ${r.whisperCpp})`, engineBuildFlags: r.flags, engineCompiler: r.compiler, engineIsa: r.isa },
  };
}

/** The CPU backends' default library: the SIMD build, else the prebuilt. */
export function defaultCpuLibrary(): string | undefined {
  return cpuEngine().library;
}

function same(a: string, b: string | undefined): boolean {
  if (!b) return false;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

/** What a library path is, for every environment record: the SIMD build, the prebuilt, or another library (an override, an accelerator build). */
export function engineFactsOf(library: string): EngineFacts {
  const e = cpuEngine();
  if (e.build === 'simd' && same(library, e.library)) return e.facts;
  if (same(library, bundledLibraryPath())) return e.build === 'prebuilt' ? e.facts : prebuiltFacts('named explicitly (ASR_PARITY_WHISPER_LIB, --library or the config)');
  return { engineBuild: 'other', engineNote: 'neither the SIMD build nor the prebuilt: a library named by an environment variable, --library or the config, or an accelerator build; its flags are unknown here' };
}
