/**
 * Lines a worker writes on stderr that say some of its work ran somewhere other than the device
 * it was given: torch_npu's C++ warning when an operator has no NPU kernel ("[W
 * VariableFallbackKernel.cpp:51] Warning: CAUTION: The operator 'aten::isin.Tensor_Tensor_out' is
 * not currently supported on the NPU backend and will fall back to run on the CPU. ... (function
 * npu_cpu_fallback)"), torch's own for MPS and other backends (a Python UserWarning with the same
 * wording), and the shorter "fallback to CPU" some engines print. Such a run measured a mixed
 * device: its figures are not the device's (whisperX #1482). The one list of these patterns.
 */
export const FALLBACK_PATTERNS: readonly RegExp[] = [
  /\bfall(?:s|ing)?[ -]?back\b[^.]{0,40}\bto (?:run on )?(?:the )?cpu\b/i,
  /\bnpu_cpu_fallback\b/,
  /\bnot (?:currently )?supported on the \w+ backend\b/i,
];

/** Whether one stderr line is a fallback warning. */
export const isFallbackWarning = (line: string): boolean => FALLBACK_PATTERNS.some((p) => p.test(line));

/** How many distinct fallback lines one worker keeps: the report needs what fell back, not every repetition. */
const KEPT = 10;

/** Collects the distinct fallback warnings among a worker's stderr lines, as they arrive. */
export function fallbackCollector(): { see(line: string): void; lines(): string[]; more(): number } {
  const kept = new Set<string>();
  let more = 0;
  return {
    see(line) {
      const l = line.trim();
      if (!l || !isFallbackWarning(l) || kept.has(l)) return;
      if (kept.size < KEPT) kept.add(l);
      else more++;
    },
    lines: () => [...kept],
    more: () => more,
  };
}
