import { PERFORMANCE_RESULT } from '../bench/measure-performance.ts';

/**
 * The performance section of report.json: PerformanceResult as harness/bench/measure-performance.ts
 * declares it (and its parts, each declared beside the code that measures it: LatencyStats,
 * MachineState, ResidentMemory, UnderLoadCheck, DeviceMemory). report-schema.ts gathers it.
 */
export const PERFORMANCE = PERFORMANCE_RESULT;

/** The $defs it is referred to by. */
export const PERFORMANCE_DEFS = { performance: PERFORMANCE };
