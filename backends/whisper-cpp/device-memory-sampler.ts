import type { DeviceMemory } from '../types.ts';

export type MemoryReader = () => { freeBytes: number; totalBytes: number };

/**
 * Device memory as the device sees it: used = total - free, sampled before and after the
 * model loads and every few milliseconds while inference runs (on koffi's worker thread, so
 * the event loop is free to sample). Figures are relative to before the load, so other
 * tenants of the card are not counted, unless they allocate meanwhile.
 */
export class DeviceMemorySampler {
  private before = 0;
  private loaded = 0;
  private peak = 0;
  private total = 0;

  constructor(private readonly read: MemoryReader) {}

  private sample(): number {
    const { freeBytes, totalBytes } = this.read();
    this.total = totalBytes;
    const used = totalBytes - freeBytes;
    this.peak = Math.max(this.peak, used);
    return used;
  }

  beforeLoad(): void {
    this.before = this.sample();
    this.peak = this.before;
  }

  afterLoad(): void {
    this.loaded = this.sample();
  }

  async during<T>(work: Promise<T>, intervalMs = 5): Promise<T> {
    this.sample();
    const timer = setInterval(() => this.sample(), intervalMs);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      this.sample();
    }
  }

  memory(): DeviceMemory {
    return { allocatedBytes: Math.max(0, this.loaded - this.before), peakBytes: Math.max(0, this.peak - this.before), totalBytes: this.total };
  }
}
