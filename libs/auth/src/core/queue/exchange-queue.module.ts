import { BullModule, InjectQueue } from '@nestjs/bull';
import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import type { BaseEnv } from '@app/config';
import { databaseIdentity } from '@app/database';
import { ObservabilityModule, ReadinessRegistry } from '@app/observability';
import { redisRetryDelay } from '@app/redis';
import { EXCHANGE_QUEUE, JOB_LOCK_DURATION_MS } from '../sign-in.constants';
import { useLeanQueueScripts } from './lean-bull-scripts';

/**
 * Bull's own lock renewal, pushed out of reach (the longest timer Node runs):
 * the processor's lock watch extends each running job's lock every
 * JOB_LOCK_DURATION_MS / 2 and, unlike Bull's renewal, tells the run when the
 * lock is gone. Two renewals of the same lock would cost twice the Redis
 * commands for nothing.
 */
export const BULL_LOCK_RENEW_MS = 2 ** 31 - 1;

/**
 * Bull's key prefix: `REDIS_PREFIX:bull:<host:port/database>`. A worker takes
 * only jobs of its own database, so two deployments sharing a Redis and a
 * REDIS_PREFIX by mistake never take (and drop) each other's jobs.
 */
export function exchangeQueuePrefix(redisPrefix: string, databaseUrl: string): string {
  return `${redisPrefix}:bull:${databaseIdentity(databaseUrl)}`;
}

/** Exponential backoff with full jitter, so retries of many logins do not march in step. */
export function jitteredBackoff(baseMs: number) {
  return (attemptsMade: number): number =>
    Math.round(baseMs * 2 ** Math.max(0, attemptsMade - 1) * (0.5 + Math.random()));
}

/**
 * The Bull connection and the login queue, configured once for both sides:
 * the API adds jobs, the worker processes them.
 */
@Module({
  imports: [
    ObservabilityModule,
    BullModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<BaseEnv, true>) => {
        const prefix = exchangeQueuePrefix(
          config.get('REDIS_PREFIX', { infer: true }),
          config.get('DATABASE_URL', { infer: true }),
        );
        // The API and the worker must print the same: a different one means they never meet.
        new Logger('ExchangeQueue').log(`Exchange queue under Redis keys ${prefix}:`);
        return {
          url: config.get('REDIS_URL', { infer: true }),
          prefix,
          // The app's reconnect rule, not Bull's (up to 20 s between tries): a worker told to stop
          // just after Redis came back waits for these connections (untilQueueReconnected).
          redis: { connectTimeout: 2000, retryStrategy: redisRetryDelay },
        };
      },
    }),
    BullModule.registerQueueAsync({
      name: EXCHANGE_QUEUE,
      inject: [ConfigService],
      useFactory: (config: ConfigService<BaseEnv, true>) => {
        return {
          defaultJobOptions: {
            attempts: config.get('EXCHANGE_ATTEMPTS', { infer: true }),
            backoff: { type: 'jittered' },
            // Job data holds the code: it goes as soon as the job ends.
            removeOnComplete: true,
            removeOnFail: true,
            // No Bull timeout: every call to a provider has its own, and the attempt's
            // deadline bounds the rest (a Bull timeout would not stop the work anyway).
          },
          settings: {
            // A dead worker's job is picked up again within ~12 s, not a minute:
            // its lock lapses after 8 s and another worker looks every 4 s.
            lockDuration: JOB_LOCK_DURATION_MS,
            lockRenewTime: BULL_LOCK_RENEW_MS,
            stalledInterval: 4000,
            maxStalledCount: 2,
            backoffStrategies: {
              jittered: jitteredBackoff(config.get('EXCHANGE_BACKOFF_MS', { infer: true })),
            },
          },
        };
      },
    }),
  ],
  exports: [BullModule],
})
export class ExchangeQueueModule implements OnModuleInit {
  private readonly logger = new Logger('ExchangeQueue');

  constructor(
    @InjectQueue(EXCHANGE_QUEUE) private readonly queue: Queue,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** Before the API adds a job or the worker takes one: Bull's scripts without the events nobody hears. */
  onModuleInit(): void {
    // The queue has connections of its own: the one that adds and reads jobs must be up for readiness.
    this.readiness.addRedis('queue', this.queue.client);
    const { unchanged } = useLeanQueueScripts(this.queue);
    if (unchanged.length) {
      this.logger.warn(
        `Bull's ${unchanged.join(', ')} scripts are not the expected ones: they keep their event publishes`,
      );
    }
  }
}
