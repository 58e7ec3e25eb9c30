import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { withTimeout } from '@app/config/service-reachability';
import { ENQUEUE_TIMEOUT_MS, EXCHANGE_JOB, FACEBOOK_LOGIN_QUEUE } from './auth.constants';
import type { ExchangeJobData } from './exchange-job';

/** The one producer of exchange jobs. */
@Injectable()
export class FacebookLoginQueue {
  private readonly logger = new Logger(FacebookLoginQueue.name);

  constructor(@InjectQueue(FACEBOOK_LOGIN_QUEUE) private readonly queue: Queue<ExchangeJobData>) {
    // Bull reconnects by itself; without a listener each failed reconnect is printed as unhandled.
    queue.on('error', (error: Error) => this.logger.warn(`Queue: ${error.message}`));
  }

  /**
   * Queues the exchange of one operation; jobId = operation id, so a repeat
   * never creates a second job. Rejects within ENQUEUE_TIMEOUT_MS if Redis
   * does not take it, so the callback answers instead of hanging.
   */
  async enqueue(data: Required<Pick<ExchangeJobData, 'operationId' | 'code' | 'codeVerifier'>>): Promise<void> {
    await withTimeout(
      this.queue.add(EXCHANGE_JOB, data, { jobId: data.operationId }),
      ENQUEUE_TIMEOUT_MS,
      'Redis did not take the job in time',
    );
  }
}
