import { BullModule } from '@nestjs/bull';
import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { BaseEnv } from '@app/config';
import { databaseIdentity } from '@app/database';
import { FACEBOOK_LOGIN_QUEUE } from './auth.constants';

/**
 * Bull's key prefix: `REDIS_PREFIX:bull:<host:port/database>`. A worker takes
 * only jobs of its own database, so two deployments sharing a Redis and a
 * REDIS_PREFIX by mistake never take (and drop) each other's jobs.
 */
export function loginQueuePrefix(redisPrefix: string, databaseUrl: string): string {
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
    BullModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<BaseEnv, true>) => {
        const prefix = loginQueuePrefix(
          config.get('REDIS_PREFIX', { infer: true }),
          config.get('DATABASE_URL', { infer: true }),
        );
        // The API and the worker must print the same: a different one means they never meet.
        new Logger('LoginQueue').log(`Login queue under Redis keys ${prefix}:`);
        return {
          url: config.get('REDIS_URL', { infer: true }),
          prefix,
          redis: { connectTimeout: 2000 },
        };
      },
    }),
    BullModule.registerQueueAsync({
      name: FACEBOOK_LOGIN_QUEUE,
      inject: [ConfigService],
      useFactory: (config: ConfigService<BaseEnv, true>) => {
        return {
          defaultJobOptions: {
            attempts: config.get('EXCHANGE_ATTEMPTS', { infer: true }),
            backoff: { type: 'jittered' },
            // Job data holds the code: it goes as soon as the job ends.
            removeOnComplete: true,
            removeOnFail: true,
            // No Bull timeout: every Facebook call has its own, and the attempt's
            // deadline bounds the rest (a Bull timeout would not stop the work anyway).
          },
          settings: {
            // A dead worker's job is picked up again within ~12 s, not a minute:
            // its lock lapses after 8 s and another worker looks every 4 s.
            lockDuration: 8000,
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
export class LoginQueueModule {}
