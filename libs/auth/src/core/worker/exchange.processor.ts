import { InjectQueue, OnQueueError, OnQueueFailed, Processor } from '@nestjs/bull';
import { BeforeApplicationShutdown, Inject, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Job, Queue } from 'bull';
import { performance } from 'node:perf_hooks';
import type { WorkerEnv } from '@app/config';
import { runWithOperationLogContext } from '@app/config/logging';
import {
  EXCHANGE_JOB,
  EXCHANGE_RUN_EVENT,
  EXCHANGE_QUEUE,
  JOB_LOCK_DURATION_MS,
  type ExchangeRunEvent,
} from '../sign-in.constants';
import { ExchangeAbortedError, type ExchangeJobData } from '../queue/exchange-job';
import { ExchangeService } from './exchange.service';
import { useLeanQueueScripts } from '../queue/lean-bull-scripts';
import { untilQueueReconnected } from '../queue/queue-connections';
import { AdmissionGate, type Admission, type GateState } from './admission-gate';
import { EventLoopLoadProbe } from './load-probe';

/**
 * However loaded the worker is, it runs at least this many exchanges at once
 * (the fixed number it ran before the admission gate), or EXCHANGE_CONCURRENCY if lower.
 */
export const MIN_EXCHANGES_IN_FLIGHT = 32;
/** New exchanges also wait while the heap holds more than this share of V8's heap limit. */
export const MAX_HEAP_USED_RATIO = 0.85;
/** How often the gate reads the event-loop delay and reconsiders waiting exchanges. */
const GATE_TICK_MS = 100;
/** At most one "holding new exchanges" line this often. */
const HOLD_LOG_EVERY_MS = 10_000;
/** Injection token of a ready-made gate (tests); without one the processor builds its own from the settings. */
export const EXCHANGE_ADMISSION_GATE = Symbol('EXCHANGE_ADMISSION_GATE');

/**
 * Thin Bull adapter: the logic lives in ExchangeService. Each call runs
 * in its operation's log context (every line carries `operationId`), and each
 * exchange run is announced as EXCHANGE_RUN_EVENT for the metrics.
 *
 * Bull hands this worker up to EXCHANGE_CONCURRENCY jobs at once (a ceiling,
 * not a target: the work waits on the provider, not on the CPU); the admission
 * gate decides when each may start, by the process's event-loop delay and
 * heap, so a burst runs all at once while the worker keeps up and waits
 * (holding its job's lock) while it does not.
 */
@Processor(EXCHANGE_QUEUE)
export class ExchangeProcessor implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExchangeProcessor.name);
  /** How many jobs Bull may hand this worker at once. */
  private readonly concurrency: number;
  readonly gate: AdmissionGate;
  private lastHoldLogAt = -Infinity;

  constructor(
    private readonly exchanges: ExchangeService,
    @InjectQueue(EXCHANGE_QUEUE) private readonly queue: Queue<ExchangeJobData>,
    config: ConfigService<WorkerEnv, true>,
    /** A process without EventEmitterModule simply announces nothing. */
    @Optional() private readonly events?: EventEmitter2,
    @Optional() @Inject(EXCHANGE_ADMISSION_GATE) gate?: AdmissionGate,
  ) {
    this.concurrency = config.get('EXCHANGE_CONCURRENCY', { infer: true });
    const maxLoopDelayMs = config.get('EXCHANGE_MAX_LOOP_DELAY_MS', { infer: true });
    this.gate =
      gate ??
      new AdmissionGate(
        new EventLoopLoadProbe(GATE_TICK_MS),
        {
          minInFlight: Math.min(MIN_EXCHANGES_IN_FLIGHT, this.concurrency),
          maxLoopDelayMs,
          maxHeapUsedRatio: MAX_HEAP_USED_RATIO,
          tickMs: GATE_TICK_MS,
        },
        (holding, state) => this.logGate(holding, state, maxLoopDelayMs),
      );
  }

  /** Not `@Process()`: its concurrency is fixed when the class is declared, and this one is configuration. */
  onModuleInit(): void {
    useLeanQueueScripts(this.queue); // ExchangeQueueModule did it already (and says if it could not); idempotent
    this.gate.start();
    // The promise settles only when the queue closes; errors are the queue's (OnQueueError logs them).
    this.queue
      .process(EXCHANGE_JOB, this.concurrency, (job) => this.exchange(job))
      .catch((error: Error) => {
        this.logger.error(`The exchange processor stopped: ${error.message}`);
      });
  }

  /**
   * Runs before the queue closes (Bull's module closes it at application
   * shutdown, and waits for the jobs in hand): says what is left, and lets
   * connections that are on their way back to Redis arrive first, or the
   * close would never end (untilQueueReconnected).
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(
      `Stopping${signal ? ` on ${signal}` : ''}: finishing the ${this.inHand} exchange(s) in hand, taking no new one`,
    );
    const { waitedFor, back } = await untilQueueReconnected(this.queue);
    if (waitedFor > 0) {
      this.logger.log(
        back
          ? `Waited for ${waitedFor} queue connection(s) to be back on Redis before closing the queue`
          : `${waitedFor} queue connection(s) still away from Redis; closing the queue without them`,
      );
    }
  }

  /** Exchanges this worker holds: running, or admitted by Bull and waiting for the gate. */
  get inHand(): number {
    const { inFlight, waiting } = this.gate.state;
    return inFlight + waiting;
  }

  /** Bull reconnects by itself (Redis restarts); say so instead of printing unhandled errors. */
  @OnQueueError()
  onError(error: Error): void {
    this.logger.warn(`Queue: ${error.message}`);
  }

  exchange(job: Job<ExchangeJobData>): Promise<void> {
    const { operationId } = job.data;
    return runWithOperationLogContext({ operationId }, async () => {
      const started = performance.now();
      const lockLost = new AbortController();
      // Watched from the start: the lock must hold while the job waits to be admitted too.
      const stopWatching = watchLock(job, lockLost);
      let outcome: ExchangeRunEvent['outcome'] = 'retry';
      let admission: Admission | undefined;
      let runStarted = started;
      try {
        admission = await this.gate.admit(lockLost.signal);
        runStarted = performance.now();
        await this.exchanges.runExchange({
          data: { ...job.data },
          attemptsMade: job.attemptsMade,
          maxAttempts: job.opts.attempts ?? 1,
          update: (data) => job.update(data),
          reload: async () => (await this.queue.getJob(job.id))?.data ?? null,
          signal: lockLost.signal,
        });
        outcome = 'done';
      } finally {
        admission?.release();
        stopWatching();
        const seconds = (performance.now() - runStarted) / 1000;
        const waitedSeconds = (runStarted - started) / 1000;
        this.events?.emit(EXCHANGE_RUN_EVENT, {
          operationId,
          outcome,
          seconds,
          waitedSeconds,
        } satisfies ExchangeRunEvent);
      }
    });
  }

  /** Says when new exchanges start to wait for the loop, at most every HOLD_LOG_EVERY_MS. */
  private logGate(
    holding: boolean,
    { inFlight, waiting, reading, stalledMs }: GateState,
    maxLoopDelayMs: number,
  ): void {
    const now = performance.now();
    if (holding) {
      if (now - this.lastHoldLogAt < HOLD_LOG_EVERY_MS) return;
      this.lastHoldLogAt = now;
      this.logger.warn(
        `Holding new exchanges: event loop ${Math.max(reading.loopDelayMs, stalledMs)} ms late (EXCHANGE_MAX_LOOP_DELAY_MS ${maxLoopDelayMs}), ` +
          `heap ${Math.round(reading.heapUsedRatio * 100)} % of its limit; ${inFlight} in flight, ${waiting} waiting`,
      );
    }
  }

  /**
   * Bull calls this without awaiting it, so it must never reject: an
   * unhandled rejection would end the worker. The job may be null (one
   * removed after too many stalls).
   */
  @OnQueueFailed()
  async onFailed(job: Job<ExchangeJobData> | null | undefined, error: Error): Promise<void> {
    try {
      if (!job?.data) {
        this.logger.warn(
          `A job failed and is gone (${error?.message ?? error}); the deadline sweeper ends its operation`,
        );
        return;
      }
      if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
        const { operationId } = job.data;
        await runWithOperationLogContext({ operationId }, () => this.exchanges.giveUp(job.data, error));
      }
    } catch (failure) {
      this.logger.error(`Handling a failed job failed: ${(failure as Error).message}`);
    }
  }
}

/**
 * Aborts `controller` once the job's lock cannot be extended: another worker
 * may then take the job over. Bull renews the lock itself but, when a renewal
 * finds the lock gone, it only stops renewing; this check makes the run hear it.
 */
function watchLock(job: Job<ExchangeJobData>, controller: AbortController): () => void {
  const timer = setInterval(() => {
    job.extendLock(JOB_LOCK_DURATION_MS).then(
      (extended) => {
        if (!extended) controller.abort(new ExchangeAbortedError("lost the job's lock (another worker may hold it)"));
      },
      (error: Error) =>
        controller.abort(new ExchangeAbortedError(`could not extend the job's lock (${error.message})`)),
    );
  }, JOB_LOCK_DURATION_MS / 2);
  return () => clearInterval(timer);
}
