import { readFileSync } from 'node:fs';
import { cpuEngine } from '../../../backends/whisper-cpp/engine/cpu-engine.ts';

/**
 * `asr-parity --version`: the package version, and which whisper.cpp engine the CPU backends
 * would load (the SIMD build made at install, or the prebuilt), since a result depends on both.
 */
export function versionText(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  const e = cpuEngine();
  const f = e.facts;
  const engine = e.build === 'simd' ? `SIMD build of ${f.engineSource} (${f.engineIsa})` : `prebuilt ${f.engineSource}, no SIMD (${f.engineNote})`;
  return [`${pkg.name} ${pkg.version}`, `whisper.cpp engine: ${engine}`, `library: ${e.library ?? 'none found'}`, `node ${process.version}`].join('\n');
}
