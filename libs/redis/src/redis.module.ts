import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type Redis from 'ioredis';
import type { BaseEnv } from '@app/config';
import { createRedisClient } from './create-redis-client';
import { REDIS_CLIENT } from './redis.constants';

export const REDIS_BOOT_TIMEOUT_MS = 5000;

/** Boot only once Redis answers, so the offline queue is never needed. */
function waitUntilReady(client: Redis, url: string): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.disconnect();
      const { host, port } = new URL(url);
      reject(new Error(`Redis at ${host}:${port || 6379} did not answer within ${REDIS_BOOT_TIMEOUT_MS / 1000} s`));
    }, REDIS_BOOT_TIMEOUT_MS);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [ConfigService],
      useFactory: async (config: ConfigService<BaseEnv, true>) => {
        const url = config.get('REDIS_URL', { infer: true });
        // While Redis is away, commands fail at once (and callers answer 503)
        // instead of piling up in an offline queue; ioredis keeps reconnecting.
        const client = createRedisClient(url, { enableOfflineQueue: false });
        const logger = new Logger('Redis');
        // Without a listener ioredis prints every reconnect error as unhandled.
        client.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`));
        await waitUntilReady(client, url);
        return client;
      },
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
