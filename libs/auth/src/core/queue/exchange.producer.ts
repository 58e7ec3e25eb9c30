import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { withTimeout } from '@app/config/service-reachability';
import { ENQUEUE_TIMEOUT_MS, EXCHANGE_JOB, EXCHANGE_QUEUE } from '../sign-in.constants';
import type { ExchangeJobData } from './exchange-job';

/** The one producer of exchange jobs. */
@Injectable()
export class ExchangeProducer {
  private readonly logger = new Logger(ExchangeProducer.name);

  constructor(@InjectQueue(EXCHANGE_QUEUE) private readonly queue: Queue<ExchangeJobData>) {
    // Bull reconnects by itself; without a listener each failed reconnect is printed as unhandled.
    queue.on('error', (error: Error) => this.logger.warn(`Queue: ${error.message}`));
  }

  /**
   * Queues the exchange of one operation; jobId = operation id, so a repeat
   * never creates a second job. Rejects within ENQUEUE_TIMEOUT_MS if Redis
   * does not take it, so the callback answers instead of hanging.
   */
  async enqueue(data: ExchangeJobData & Required<Pick<ExchangeJobData, 'code' | 'codeVerifier'>>): Promise<void> {
    await withTimeout(
      this.queue.add(EXCHANGE_JOB, data, { jobId: data.operationId }),
      ENQUEUE_TIMEOUT_MS,
      'Redis did not take the job in time',
    );
  }
}
