import { OnQueueError, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { EXCHANGE_JOB, FACEBOOK_LOGIN_QUEUE } from './auth.constants';
import type { ExchangeJobData } from './exchange-job';
import { FacebookLoginService } from './facebook-login.service';

/** Exchanges run concurrently: they wait on Facebook, not on the CPU. */
const EXCHANGE_CONCURRENCY = 32;

/** Thin Bull adapter: the logic lives in FacebookLoginService. */
@Processor(FACEBOOK_LOGIN_QUEUE)
export class FacebookLoginProcessor {
  private readonly logger = new Logger(FacebookLoginProcessor.name);

  constructor(private readonly logins: FacebookLoginService) {}

  /** Bull reconnects by itself (Redis restarts); say so instead of printing unhandled errors. */
  @OnQueueError()
  onError(error: Error): void {
    this.logger.warn(`Queue: ${error.message}`);
  }

  @Process({ name: EXCHANGE_JOB, concurrency: EXCHANGE_CONCURRENCY })
  exchange(job: Job<ExchangeJobData>): Promise<void> {
    return this.logins.runExchange({
      data: job.data,
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      update: (data) => job.update(data),
    });
  }

  @OnQueueFailed()
  async onFailed(job: Job<ExchangeJobData>, error: Error): Promise<void> {
    if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      await this.logins.giveUp(job.data.operationId, error);
    }
  }
}
