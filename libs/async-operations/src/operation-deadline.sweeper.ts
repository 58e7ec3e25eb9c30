import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AsyncOperationsService } from './async-operations.service';

export const SWEEP_INTERVAL_MS = 5000;

/**
 * Ends overdue pending operations as error/timeout, so an attempt whose job
 * was lost (or whose worker vanished for good) still ends and is announced.
 * Safe to run in every worker: each transition happens once.
 */
@Injectable()
export class OperationDeadlineSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OperationDeadlineSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly operations: AsyncOperationsService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; overlapping passes are skipped. */
  sweep(): Promise<void> {
    this.running ??= this.operations
      .expireOverdue()
      .then((ended) => {
        if (ended) this.logger.log(`Ended ${ended} overdue sign-in(s) as timeout`);
      })
      .catch((error: Error) => this.logger.warn(`Sweep failed: ${error.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
