import { InjectQueue, OnQueueError, OnQueueFailed, Processor } from '@nestjs/bull';
import { Logger, OnModuleInit, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Job, Queue } from 'bull';
import { performance } from 'node:perf_hooks';
import type { WorkerEnv } from '@app/config';
import { runWithOperationLogContext } from '@app/config/logging';
import {
  EXCHANGE_JOB,
  EXCHANGE_RUN_EVENT,
  FACEBOOK_LOGIN_QUEUE,
  JOB_LOCK_DURATION_MS,
  type ExchangeRunEvent,
} from './auth.constants';
import { ExchangeAbortedError, type ExchangeJobData } from './exchange-job';
import { FacebookLoginService } from './facebook-login.service';

/**
 * Thin Bull adapter: the logic lives in FacebookLoginService. Each call runs
 * in its operation's log context (every line carries `operationId`), and each
 * exchange run is announced as EXCHANGE_RUN_EVENT for the metrics.
 */
@Processor(FACEBOOK_LOGIN_QUEUE)
export class FacebookLoginProcessor implements OnModuleInit {
  private readonly logger = new Logger(FacebookLoginProcessor.name);
  /** Exchanges run concurrently: they wait on Facebook, not on the CPU. */
  private readonly concurrency: number;

  constructor(
    private readonly logins: FacebookLoginService,
    @InjectQueue(FACEBOOK_LOGIN_QUEUE) private readonly queue: Queue<ExchangeJobData>,
    config: ConfigService<WorkerEnv, true>,
    /** A process without EventEmitterModule simply announces nothing. */
    @Optional() private readonly events?: EventEmitter2,
  ) {
    this.concurrency = config.get('EXCHANGE_CONCURRENCY', { infer: true });
  }

  /** Not `@Process()`: its concurrency is fixed when the class is declared, and this one is configuration. */
  onModuleInit(): void {
    // The promise settles only when the queue closes; errors are the queue's (OnQueueError logs them).
    this.queue.process(EXCHANGE_JOB, this.concurrency, (job) => this.exchange(job)).catch((error: Error) => {
      this.logger.error(`The exchange processor stopped: ${error.message}`);
    });
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
      const stopWatching = watchLock(job, lockLost);
      let outcome: ExchangeRunEvent['outcome'] = 'retry';
      try {
        await this.logins.runExchange({
          data: { ...job.data },
          attemptsMade: job.attemptsMade,
          maxAttempts: job.opts.attempts ?? 1,
          update: (data) => job.update(data),
          reload: async () => (await this.queue.getJob(job.id))?.data ?? null,
          signal: lockLost.signal,
        });
        outcome = 'done';
      } finally {
        stopWatching();
        const seconds = (performance.now() - started) / 1000;
        this.events?.emit(EXCHANGE_RUN_EVENT, { operationId, outcome, seconds } satisfies ExchangeRunEvent);
      }
    });
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
        this.logger.warn(`A job failed and is gone (${error?.message ?? error}); the deadline sweeper ends its operation`);
        return;
      }
      if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
        const { operationId } = job.data;
        await runWithOperationLogContext({ operationId }, () => this.logins.giveUp(operationId, error));
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
      (error: Error) => controller.abort(new ExchangeAbortedError(`could not extend the job's lock (${error.message})`)),
    );
  }, JOB_LOCK_DURATION_MS / 2);
  return () => clearInterval(timer);
}
