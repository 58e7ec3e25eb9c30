import type { LoadProbe, LoadReading } from './load-probe';

export interface AdmissionGateOptions {
  /**
   * Exchanges admitted however loaded the process is, so a worker always
   * makes progress: under overload it runs at least this many at once.
   */
  minInFlight: number;
  /** New exchanges wait while the event loop runs later than this (ms). */
  maxLoopDelayMs: number;
  /** …or while the heap holds more than this share of its limit (0–1). */
  maxHeapUsedRatio: number;
  /** How often the probe is read and waiting exchanges reconsidered (ms). */
  tickMs: number;
}

/** An admitted exchange: release it once, when it has finished. */
export interface Admission {
  /** How long it waited to be admitted (ms). */
  waitedMs: number;
  release(): void;
}

export interface GateState {
  inFlight: number;
  waiting: number;
  /** The probe's last reading. */
  reading: LoadReading;
  /** How overdue the next reading is (ms): a stall going on now. */
  stalledMs: number;
}

interface Waiter {
  admit(): void;
}

/**
 * Admission control for exchanges. Bull hands a worker up to
 * EXCHANGE_CONCURRENCY jobs at once; the work is I/O-bound, so a burst may
 * take all of them while the process keeps up. What stops it is the process's
 * own load, not a small constant: while the event loop runs late (or the heap
 * is nearly full), new exchanges wait here — before they call the provider, the
 * database or the lease — until it recovers. Waiting exchanges are admitted
 * oldest first, at most doubling the number in flight per tick, so a loop that
 * just recovered is not flooded at once; `minInFlight` are always admitted.
 * Already admitted exchanges are never held.
 */
export class AdmissionGate {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private reading: LoadReading = { loopDelayMs: 0, heapUsedRatio: 0 };
  private lastTickAt: number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly probe: LoadProbe,
    private readonly options: AdmissionGateOptions,
    /** Told when exchanges start to wait, and when the last one waiting is admitted. */
    private readonly onChange?: (holding: boolean, state: GateState) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastTickAt = this.now();
  }

  /** Starts reading the probe every `tickMs`; the timer never keeps the process alive. */
  start(): this {
    this.lastTickAt = this.now();
    this.timer ??= setInterval(() => this.tick(), this.options.tickMs);
    this.timer.unref();
    return this;
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.probe.close();
  }

  get state(): GateState {
    return { inFlight: this.inFlight, waiting: this.queue.length, reading: this.reading, stalledMs: this.stalledMs() };
  }

  /**
   * Resolves once this exchange may start. Rejects with the signal's reason if
   * it aborts first (the job's lock was lost: another worker runs it).
   */
  admit(signal?: AbortSignal): Promise<Admission> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.queue.length === 0 && (this.inFlight < this.options.minInFlight || this.loadAllows())) {
      return Promise.resolve(this.enter(0));
    }
    return new Promise<Admission>((resolve, reject) => {
      const since = this.now();
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index === -1) return;
        this.queue.splice(index, 1);
        if (this.queue.length === 0) this.onChange?.(false, this.state);
        reject(signal!.reason as Error);
      };
      const waiter: Waiter = {
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.enter(this.now() - since));
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      if (this.queue.length === 1) this.onChange?.(true, this.state);
    });
  }

  /** Reads the probe and admits what the load allows. Public for tests. */
  tick(): void {
    this.reading = this.probe.read();
    this.lastTickAt = this.now();
    if (this.queue.length === 0) return;
    // A recovered loop takes as many again as it runs now (at least minInFlight): in-flight at most doubles per tick.
    let budget = this.loadAllows() ? Math.max(this.options.minInFlight, this.inFlight) : 0;
    while (this.queue.length > 0 && (budget > 0 || this.inFlight < this.options.minInFlight)) {
      budget--;
      this.admitNext();
    }
  }

  /** The last reading is within bounds, and the loop is not stalled right now (the tick is not overdue). */
  private loadAllows(): boolean {
    const { loopDelayMs, heapUsedRatio } = this.reading;
    return (
      loopDelayMs <= this.options.maxLoopDelayMs &&
      this.stalledMs() <= this.options.maxLoopDelayMs &&
      heapUsedRatio <= this.options.maxHeapUsedRatio
    );
  }

  private stalledMs(): number {
    return Math.max(0, Math.round(this.now() - this.lastTickAt - this.options.tickMs));
  }

  private admitNext(): void {
    const waiter = this.queue.shift();
    if (!waiter) return;
    if (this.queue.length === 0) this.onChange?.(false, { ...this.state, inFlight: this.inFlight + 1 });
    waiter.admit();
  }

  private enter(waitedMs: number): Admission {
    this.inFlight++;
    let released = false;
    return {
      waitedMs,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        if (this.queue.length > 0 && (this.inFlight < this.options.minInFlight || this.loadAllows())) this.admitNext();
      },
    };
  }
}
