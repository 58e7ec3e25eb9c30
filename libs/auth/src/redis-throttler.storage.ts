import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { createRedisClient } from '@app/redis';

/**
 * Rate-limit counters in Redis, under the install's prefix, on a client that
 * logs its reconnects instead of printing them as unhandled errors.
 */
export class RedisThrottlerStorage extends ThrottlerStorageRedisService implements OnApplicationShutdown {
  constructor(url: string, keyPrefix: string) {
    const client = createRedisClient(url, { keyPrefix, maxRetriesPerRequest: 1 });
    const logger = new Logger(RedisThrottlerStorage.name);
    client.on('error', (error: Error) => logger.warn(`Rate-limit store: ${error.message}`));
    super(client);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
