import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ConfigService } from '@nestjs/config';
import type { Job, Queue } from 'bull';
import type { WorkerEnv } from '@app/config';
import { currentOperationId } from '@app/config/logging';
import { EXCHANGE_RUN_EVENT, type ExchangeRunEvent } from '../sign-in.constants';
import { ExchangeAbortedError, type ExchangeJobData, type ExchangeJobHandle } from '../queue/exchange-job';
import { ExchangeProcessor } from './exchange.processor';
import type { ExchangeService } from './exchange.service';
import { AdmissionGate } from './admission-gate';
import type { LoadProbe, LoadReading } from './load-probe';

/** A probe that says whatever the test sets. */
class FakeProbe implements LoadProbe {
  reading: LoadReading = { loopDelayMs: 0, heapUsedRatio: 0.1 };
  read = () => ({ ...this.reading });
  close = () => undefined;
}

const job = (attemptsMade = 0) =>
  ({
    data: { operationId: 'op-1', code: 'c', codeVerifier: 'v' },
    attemptsMade,
    opts: { attempts: 3 },
    update: jest.fn(),
    extendLock: jest.fn().mockResolvedValue(1),
  }) as unknown as Job<ExchangeJobData>;

function setup(runExchange: (handle: ExchangeJobHandle) => Promise<unknown>, gate?: AdmissionGate) {
  const seen: { runIn?: string; giveUpIn?: string } = {};
  const logins = {
    runExchange: jest.fn((handle: ExchangeJobHandle) => {
      seen.runIn = currentOperationId();
      return runExchange(handle);
    }),
    giveUp: jest.fn(() => {
      seen.giveUpIn = currentOperationId();
      return Promise.resolve();
    }),
  };
  const events = new EventEmitter2();
  const runs: ExchangeRunEvent[] = [];
  events.on(EXCHANGE_RUN_EVENT, (event: ExchangeRunEvent) => runs.push(event));
  const listeners = new Map<string, (...args: unknown[]) => void>();
  const queue = {
    process: jest.fn().mockReturnValue(new Promise(() => undefined)),
    on: jest.fn((event: string, listener: (...args: unknown[]) => void) => listeners.set(event, listener)),
    clients: [] as Array<{ status: string }>,
  };
  const settings: Record<string, number> = { EXCHANGE_CONCURRENCY: 64, EXCHANGE_MAX_LOOP_DELAY_MS: 100 };
  const config = { get: jest.fn((key: string) => settings[key]) };
  const processor = new ExchangeProcessor(
    logins as unknown as ExchangeService,
    queue as unknown as Queue<ExchangeJobData>,
    config as unknown as ConfigService<WorkerEnv, true>,
    events,
    gate,
  );
  return { processor, logins, queue, runs, seen, listeners };
}

describe(ExchangeProcessor.name, () => {
  it('lets Bull hand it up to EXCHANGE_CONCURRENCY exchange jobs at once', async () => {
    const { processor, queue, runs } = setup(() => Promise.resolve());
    processor.onModuleInit();
    expect(queue.process).toHaveBeenCalledWith('exchange', 64, expect.any(Function));
    const handler = queue.process.mock.calls[0][2] as (job: Job<ExchangeJobData>) => Promise<void>;
    await handler(job());
    expect(runs).toHaveLength(1);
    expect(processor.gate.state).toMatchObject({ inFlight: 0, waiting: 0 });
    processor.gate.close();
  });

  describe('the admission gate', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    const gateWith = (probe: LoadProbe) =>
      new AdmissionGate(
        probe,
        { minInFlight: 1, maxLoopDelayMs: 100, maxHeapUsedRatio: 0.85, tickMs: 100 },
        undefined,
        () => Date.now(),
      ).start();

    it('holds a job before any exchange work while the loop is late, its lock still extended, and runs it once the loop recovers', async () => {
      const probe = new FakeProbe();
      const gate = gateWith(probe);
      const finishers: Array<() => void> = [];
      const { processor, logins, runs } = setup(() => new Promise<void>((resolve) => finishers.push(resolve)), gate);
      const first = processor.exchange(job());
      await jest.advanceTimersByTimeAsync(0);
      probe.reading.loopDelayMs = 400;
      await jest.advanceTimersByTimeAsync(100);

      const held = job();
      const running = processor.exchange(held);
      await jest.advanceTimersByTimeAsync(8000);
      expect(logins.runExchange).toHaveBeenCalledTimes(1); // only the first: the second waits, untouched
      expect(gate.state).toMatchObject({ inFlight: 1, waiting: 1 });
      expect(held.extendLock).toHaveBeenCalledTimes(2); // every 4 s while it waits: no other worker takes it

      probe.reading.loopDelayMs = 10;
      await jest.advanceTimersByTimeAsync(100);
      expect(logins.runExchange).toHaveBeenCalledTimes(2);
      finishers.forEach((finish) => finish());
      await Promise.all([first, running]);
      expect(runs.map((r) => r.outcome)).toEqual(['done', 'done']);
      expect(gate.state).toMatchObject({ inFlight: 0, waiting: 0 });
      gate.close();
    });

    it('stops a held job whose lock is lost without running the exchange: the worker that took it over runs it', async () => {
      const probe = new FakeProbe();
      const gate = gateWith(probe);
      let finish!: () => void;
      const { processor, logins, runs } = setup(() => new Promise<void>((resolve) => (finish = resolve)), gate);
      const first = processor.exchange(job());
      probe.reading.loopDelayMs = 400;
      await jest.advanceTimersByTimeAsync(100);
      const lost = job();
      (lost.extendLock as jest.Mock).mockResolvedValue(0);
      const held = processor.exchange(lost);
      const settled = held.catch((error: unknown) => error);
      await jest.advanceTimersByTimeAsync(4000);
      expect(await settled).toBeInstanceOf(ExchangeAbortedError);
      expect(logins.runExchange).toHaveBeenCalledTimes(1);
      expect(gate.state.waiting).toBe(0);
      finish();
      await first;
      expect(runs.map((r) => r.outcome)).toEqual(['retry', 'done']);
      gate.close();
    });
  });

  it("runs the exchange in the operation's log context and announces a finished run", async () => {
    const { processor, logins, runs, seen } = setup(() => Promise.resolve());
    await processor.exchange(job(1));
    expect(seen.runIn).toBe('op-1');
    expect(logins.runExchange).toHaveBeenCalledWith(expect.objectContaining({ attemptsMade: 1, maxAttempts: 3 }));
    expect(runs).toEqual([
      { operationId: 'op-1', outcome: 'done', seconds: expect.any(Number), waitedSeconds: expect.any(Number) },
    ]);
  });

  it('hands a failed run back to Bull and announces it as a retry', async () => {
    const { processor, runs } = setup(() => Promise.reject(new Error('Facebook answered 503')));
    await expect(processor.exchange(job())).rejects.toThrow('503');
    expect(runs).toEqual([expect.objectContaining({ outcome: 'retry' })]);
  });

  it('gives up only once Bull has spent every attempt, in the log context', async () => {
    const { processor, logins, seen } = setup(() => Promise.resolve());
    await processor.onFailed(job(2), new Error('timeout'));
    expect(logins.giveUp).not.toHaveBeenCalled();
    await processor.onFailed(job(3), new Error('timeout'));
    expect(logins.giveUp).toHaveBeenCalledWith(expect.objectContaining({ operationId: 'op-1' }), expect.any(Error));
    expect(seen.giveUpIn).toBe('op-1');
  });

  it('never rejects on a failed job: a null job (removed after stalls) or a giveUp that throws (MySQL down)', async () => {
    const { processor, logins } = setup(() => Promise.resolve());
    await expect(processor.onFailed(null, new Error('job stalled more than allowable limit'))).resolves.toBeUndefined();
    logins.giveUp.mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
    await expect(processor.onFailed(job(3), new Error('timeout'))).resolves.toBeUndefined();
  });

  it('says at shutdown how many exchanges it still holds, before Bull closes the queue', async () => {
    let release!: () => void;
    const { processor } = setup(() => new Promise<void>((resolve) => (release = resolve)));
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const running = processor.exchange(job());
      await new Promise((resolve) => setImmediate(resolve));
      await processor.beforeApplicationShutdown('SIGTERM');
      expect(log).toHaveBeenCalledWith('Stopping on SIGTERM: finishing the 1 exchange(s) in hand, taking no new one');
      release();
      await running;
    } finally {
      log.mockRestore();
      processor.gate.close();
    }
  });

  it('aborts a running exchange once its job lock cannot be extended', async () => {
    jest.useFakeTimers();
    try {
      let signal!: AbortSignal;
      let release!: () => void;
      const { processor } = setup((handle) => {
        signal = handle.signal!;
        return new Promise<void>((resolve) => (release = resolve));
      });
      const lost = job();
      const running = processor.exchange(lost);
      await jest.advanceTimersByTimeAsync(4000);
      expect(signal.aborted).toBe(false); // extended: still ours
      (lost.extendLock as jest.Mock).mockResolvedValue(0);
      await jest.advanceTimersByTimeAsync(4000);
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBeInstanceOf(ExchangeAbortedError);
      release();
      await running;
    } finally {
      jest.useRealTimers();
    }
  });
});
