// Run in a child process by build-engine.ts: loads a freshly built library exactly as the
// backends will (version, ABI, compiled layout) and prints what it found. A library that
// crashes on load takes only this process down.
import { loadWhisperLibrary } from '../whisper-library.ts';

const path = process.argv[2]!;
try {
  const lib = loadWhisperLibrary(path);
  process.stdout.write(JSON.stringify({ ok: true, version: lib.version, systemInfo: lib.systemInfo, abi: lib.abi.id, layoutVerified: lib.layoutVerified }));
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, reason: (e as Error).message }));
}
