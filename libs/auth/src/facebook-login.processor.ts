import { InjectQueue, OnQueueError, OnQueueFailed, Processor } from '@nestjs/bull';
import { Logger, OnModuleInit, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Job, Queue } from 'bull';
import { performance } from 'node:perf_hooks';
import type { WorkerEnv } from '@app/config';
import { runWithOperationLogContext } from '@app/config/logging';
import { EXCHANGE_JOB, EXCHANGE_RUN_EVENT, FACEBOOK_LOGIN_QUEUE, type ExchangeRunEvent } from './auth.constants';
import type { ExchangeJobData } from './exchange-job';
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
      let outcome: ExchangeRunEvent['outcome'] = 'retry';
      try {
        await this.logins.runExchange({
          data: job.data,
          attemptsMade: job.attemptsMade,
          maxAttempts: job.opts.attempts ?? 1,
          update: (data) => job.update(data),
        });
        outcome = 'done';
      } finally {
        const seconds = (performance.now() - started) / 1000;
        this.events?.emit(EXCHANGE_RUN_EVENT, { operationId, outcome, seconds } satisfies ExchangeRunEvent);
      }
    });
  }

  @OnQueueFailed()
  async onFailed(job: Job<ExchangeJobData>, error: Error): Promise<void> {
    if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      const { operationId } = job.data;
      await runWithOperationLogContext({ operationId }, () => this.logins.giveUp(operationId, error));
    }
  }
}
