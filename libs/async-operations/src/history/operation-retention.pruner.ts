import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { WorkerEnv } from '@app/config';
import { OperationHistoryService } from './operation-history.service';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes login attempts older than OPERATION_RETENTION_DAYS, every hour, in
 * batches so no statement holds locks for long. Safe in every worker: two
 * pruners only delete the same rows once.
 */
@Injectable()
export class OperationRetentionPruner implements OnApplicationShutdown {
  private readonly logger = new Logger(OperationRetentionPruner.name);
  private readonly retentionMs: number;
  private running?: Promise<number>;

  constructor(
    private readonly history: OperationHistoryService,
    config: ConfigService<WorkerEnv, true>,
  ) {
    this.retentionMs = config.get('OPERATION_RETENTION_DAYS', { infer: true }) * DAY_MS;
  }

  @Cron(CronExpression.EVERY_HOUR, { name: 'operation-retention' })
  async onSchedule(): Promise<void> {
    await this.prune();
  }

  /** One pass; returns how many attempts it deleted. Overlapping passes share one run. */
  prune(now = new Date()): Promise<number> {
    this.running ??= this.history
      .pruneCreatedBefore(new Date(now.getTime() - this.retentionMs))
      .then((deleted) => {
        if (deleted) this.logger.log(`Deleted ${deleted} sign-in attempt(s) past the retention period`);
        return deleted;
      })
      .catch((error: Error) => {
        this.logger.warn(`Pruning old sign-in attempts failed: ${error.message}`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running;
  }
}
