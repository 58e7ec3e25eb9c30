import type { Response } from 'express';
import { DISTORTING_FAULT_KINDS, SPENDING_FAULT_KINDS } from './emulator-knobs.schemas';
import type { EmulatorFault, FaultInjector, InFlightKind } from './fault-injector';

/** Faults that still run the real lookup and then distort its answer. */
export type DistortingFault = EmulatorFault & { kind: 'huge' | 'missing-id' };
/** Faults that spend the code (the real exchange runs) and then misbehave. */
export type SpendingFault = EmulatorFault & {
  kind: 'spend-then-late' | 'spend-then-hang' | 'spend-then-drop';
};
export type DeferredFault = DistortingFault | SpendingFault;

/** Length of the names a 'huge' fault puts into an otherwise valid identity. */
export const HUGE_NAME_LENGTH = 100_000;

/** How one endpoint of one provider answers the faults that answer at once. */
export interface FaultAnswers {
  /** kind 'status', with its status. */
  status(res: Response, status: number): void;
  /** kind 'throttle'. */
  throttle(res: Response): void;
  /** A failure injected by `failureRate`. */
  failure(res: Response): void;
  /** kind 'malformed': a 200 whose JSON stops mid-way. */
  malformedBody: string;
}

export function isSpendingFault(fault: DeferredFault): fault is SpendingFault {
  return SPENDING_FAULT_KINDS.has(fault.kind);
}

export function isDistortingFault(fault: DeferredFault): fault is DistortingFault {
  return DISTORTING_FAULT_KINDS.has(fault.kind);
}

/**
 * Plays a provider's FaultInjector out on HTTP responses: the one
 * implementation of latency, hangs, late answers and drops for every side.
 */
export class FaultPlayback<E extends string> {
  constructor(private readonly faults: FaultInjector<E>) {}

  /**
   * Latency, then the next queued fault, then random failure. 'answered'
   * means the response is handled (or the client left); a DeferredFault asks
   * the caller to distort or delay a normal answer; undefined means proceed normally.
   */
  async preamble(endpoint: E, res: Response, answers: FaultAnswers): Promise<'answered' | DeferredFault | undefined> {
    if (!(await this.delay(res, this.faults.sampleLatencyMs()))) return 'answered';
    const fault = this.faults.take(endpoint);
    if (fault) {
      switch (fault.kind) {
        case 'huge':
        case 'missing-id':
          return fault as DistortingFault;
        case 'spend-then-late':
        case 'spend-then-hang':
        case 'spend-then-drop':
          return fault as SpendingFault;
        case 'status':
          answers.status(res, fault.status ?? 500);
          return 'answered';
        case 'throttle':
          answers.throttle(res);
          return 'answered';
        case 'malformed':
          res.status(200).type('application/json').send(answers.malformedBody);
          return 'answered';
        case 'hang':
          this.hang(res);
          return 'answered';
        case 'hold':
          // Released: answered as if nothing had happened (no random failure on top).
          return (await this.hold(res)) ? undefined : 'answered';
      }
    }
    if (this.faults.shouldInjectFailure()) {
      answers.failure(res);
      return 'answered';
    }
    return undefined;
  }

  /**
   * Once the real work of a spend-then-* call ran: hangs, drops or waits.
   * True means the caller now sends its real answer (late).
   */
  async afterSpending(res: Response, fault: SpendingFault): Promise<boolean> {
    if (fault.kind === 'spend-then-hang') {
      this.hang(res);
      return false;
    }
    if (fault.kind === 'spend-then-drop') {
      res.socket?.destroy();
      return false;
    }
    return this.delay(res, fault.delayMs ?? 0);
  }

  /** Never answers; the socket goes when the client gives up, or on reset/close. */
  hang(res: Response): void {
    if (!res.socket || res.socket.destroyed) return;
    const untrack = this.faults.trackInFlight({ destroy: () => res.destroy() }, 'hang');
    res.once('close', untrack);
  }

  /**
   * Waits for releaseHeld() (true: go on and answer); false when the client
   * left, or reset/shutdown dropped the call.
   */
  hold(res: Response): Promise<boolean> {
    if (!res.socket || res.socket.destroyed) return Promise.resolve(false);
    return this.waitInFlight(res, 'hold', () => () => undefined);
  }

  /** Resolves false if the client disconnected (or shutdown) while waiting. */
  delay(res: Response, ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(true);
    return this.waitInFlight(res, 'delay', (proceed) => {
      const timer = setTimeout(proceed, ms);
      return () => clearTimeout(timer);
    });
  }

  /**
   * A response kept waiting, tracked so reset/shutdown can drop it: true once
   * `arm`'s go-ahead (or releaseHeld, for a hold) comes, false when the client
   * leaves or the call is dropped. `arm` answers how to disarm it.
   */
  private waitInFlight(res: Response, kind: InFlightKind, arm: (proceed: () => void) => () => void): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let untrack: () => void = () => undefined;
      let disarm: () => void = () => undefined;
      const finish = (proceed: boolean): void => {
        disarm();
        res.off('close', onClose);
        untrack();
        resolve(proceed);
      };
      const onClose = (): void => finish(false);
      res.once('close', onClose);
      untrack = this.faults.trackInFlight(
        {
          destroy: () => {
            finish(false);
            res.destroy();
          },
          release: () => finish(true),
        },
        kind,
      );
      disarm = arm(() => finish(true));
    });
  }
}
