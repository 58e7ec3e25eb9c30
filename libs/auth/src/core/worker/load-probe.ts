import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

/** How loaded the process is now. */
export interface LoadReading {
  /** How late the event loop ran its timers in the last sampling window (ms; 0 when on time). */
  loopDelayMs: number;
  /** Used heap as a share of V8's heap limit (0–1). */
  heapUsedRatio: number;
}

/** Read once per sampling window; each read starts the next window. */
export interface LoadProbe {
  read(): LoadReading;
  close(): void;
}

/** The histogram's timer period: its samples are this long plus the delay. */
const RESOLUTION_MS = 10;

/**
 * Event-loop delay from perf_hooks' native histogram (a timer every 10 ms
 * records how late it ran), plus how late the reader itself was called: the
 * histogram forgets the first sample after a reset, so a stall that begins
 * right after one read shows only in how late the next read comes.
 */
export class EventLoopLoadProbe implements LoadProbe {
  private readonly histogram: IntervalHistogram;
  private lastReadAt = performance.now();

  /** `everyMs`: how often read() is meant to be called (its lateness counts as delay). */
  constructor(private readonly everyMs: number) {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
  }

  read(): LoadReading {
    const now = performance.now();
    const late = Math.max(0, now - this.lastReadAt - this.everyMs);
    this.lastReadAt = now;
    const sampled = this.histogram.count > 0 ? Math.max(0, this.histogram.max / 1e6 - RESOLUTION_MS) : 0;
    this.histogram.reset();
    const heap = getHeapStatistics();
    return {
      loopDelayMs: Math.round(Math.max(sampled, late)),
      heapUsedRatio: heap.used_heap_size / heap.heap_size_limit,
    };
  }

  close(): void {
    this.histogram.disable();
  }
}
