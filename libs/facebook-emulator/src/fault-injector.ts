import type { FaultInput, FaultKind } from './emulator-knobs.schemas';
import { sampleLatencyMs, type LatencyProfile } from './latency';

/** The knobs every emulated provider has, whatever else its config holds. */
export interface FaultKnobs {
  latency: LatencyProfile | null;
  failureRate: number;
}

export interface EmulatorFault {
  kind: FaultKind;
  /** Only for kind 'status'. */
  status?: number;
  /** Only for kind 'spend-then-late'. */
  delayMs?: number;
}

/** Something holding a socket open that must be torn down on reset/shutdown. */
export interface InFlightHandle {
  destroy(): void;
  /** A 'hold': let the call go on to its usual answer. */
  release?(): void;
}

/**
 * 'hang' and 'hold' handles are dropped by reset() ('hold' ones are answered by
 * releaseHeld()); 'delay' ones are only dropped on shutdown.
 */
export type InFlightKind = 'hang' | 'hold' | 'delay';

/**
 * One provider's latency, random failures and queued one-shot faults per
 * endpoint, plus the sockets those faults hold open. Inputs arrive validated
 * (by the knob schemas); the Facebook and the Google side each own one.
 */
export class FaultInjector<E extends string> {
  private readonly inFlight = new Map<InFlightHandle, InFlightKind>();
  private knobs: FaultKnobs = { latency: null, failureRate: 0 };
  private queues: Record<E, EmulatorFault[]>;

  constructor(private readonly endpoints: readonly E[]) {
    this.queues = this.emptyQueues();
  }

  getKnobs(): FaultKnobs {
    return structuredClone(this.knobs);
  }

  /** Applies the given keys; `latency: null` switches latency off. */
  setKnobs(patch: Partial<FaultKnobs>): void {
    if (patch.latency !== undefined) this.knobs.latency = patch.latency;
    if (patch.failureRate !== undefined) this.knobs.failureRate = patch.failureRate;
  }

  /** Queues `times` copies of the fault for the next calls to its endpoint. */
  enqueue(input: FaultInput<E>): void {
    const { endpoint, kind, times = 1, delayMs } = input;
    const fault: EmulatorFault =
      kind === 'status'
        ? { kind, status: input.status ?? 500 }
        : kind === 'spend-then-late'
          ? { kind, delayMs }
          : { kind };
    for (let i = 0; i < times; i += 1) this.queues[endpoint].push({ ...fault });
  }

  /** Forgets the queued faults (what is held stays held). */
  clearQueued(): void {
    this.queues = this.emptyQueues();
  }

  list(): Record<E, EmulatorFault[]> {
    return structuredClone(this.queues);
  }

  take(endpoint: E): EmulatorFault | undefined {
    return this.queues[endpoint].shift();
  }

  sampleLatencyMs(): number {
    return sampleLatencyMs(this.knobs.latency);
  }

  shouldInjectFailure(random: () => number = Math.random): boolean {
    return this.knobs.failureRate > 0 && random() < this.knobs.failureRate;
  }

  /** Returns the function to call once the response ended on its own. */
  trackInFlight(handle: InFlightHandle, kind: InFlightKind): () => void {
    this.inFlight.set(handle, kind);
    return () => {
      this.inFlight.delete(handle);
    };
  }

  inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Calls waiting on a 'hold' fault. */
  heldCount(): number {
    return [...this.inFlight.values()].filter((kind) => kind === 'hold').length;
  }

  /** Lets every call waiting on a 'hold' go on to its usual answer; answers how many there were. */
  releaseHeld(): number {
    let released = 0;
    for (const [handle, kind] of [...this.inFlight]) {
      if (kind !== 'hold') continue;
      this.inFlight.delete(handle);
      handle.release?.();
      released += 1;
    }
    return released;
  }

  /** No latency, no failures, no queued faults; hanging and held responses are dropped. */
  reset(): void {
    this.knobs = { latency: null, failureRate: 0 };
    this.queues = this.emptyQueues();
    this.releaseInFlight('hang');
    this.releaseInFlight('hold');
  }

  /** Every held socket goes, late answers too: otherwise server.close() would wait for them. */
  releaseInFlight(only?: InFlightKind): void {
    for (const [handle, kind] of [...this.inFlight]) {
      if (only && kind !== only) continue;
      this.inFlight.delete(handle);
      handle.destroy();
    }
  }

  private emptyQueues(): Record<E, EmulatorFault[]> {
    return Object.fromEntries(this.endpoints.map((endpoint) => [endpoint, []])) as unknown as Record<
      E,
      EmulatorFault[]
    >;
  }
}
