import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { createRedisClient } from '@app/redis';

/** What `ThrottlerStorage.increment` answers (times in seconds, as the guard's headers want them). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One hit: a counter per client and window that, when it first passes the
 * limit, is made to live for the block duration, so the client stays refused
 * for exactly that long and then starts afresh. No second key holds the
 * block: every hit is EVALSHA + INCR + PTTL (or PEXPIRE), where
 * @nest-lab/throttler-storage-redis sends the script's text with each hit
 * and reads a block key as well (docs/BENCHMARKS.md, issue 13).
 *
 * KEYS[1] the counter; ARGV: window ms, limit, block ms. Returns {hits, ms left}.
 */
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ttl
if hits == 1 then
  ttl = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
elseif hits == tonumber(ARGV[2]) + 1 then
  ttl = tonumber(ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ttl)
else
  ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    ttl = tonumber(ARGV[1])
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
end
return { hits, ttl }`;

type HitClient = Redis & {
  aflThrottleHit(key: string, ttlMs: number, limit: number, blockMs: number): Promise<[number, number]>;
};

/**
 * Rate-limit counters in Redis (so a limit holds across API instances), under
 * the install's prefix, on a client that logs its reconnects instead of
 * printing them as unhandled errors.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly redis: HitClient;

  constructor(url: string, keyPrefix: string) {
    const client = createRedisClient(url, { keyPrefix, maxRetriesPerRequest: 1 });
    const logger = new Logger(RedisThrottlerStorage.name);
    client.on('error', (error: Error) => logger.warn(`Rate-limit store: ${error.message}`));
    // defineCommand sends EVALSHA, and the script's text only once per connection.
    client.defineCommand('aflThrottleHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = client as HitClient;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const [hits, msLeft] = await this.redis.aflThrottleHit(`${key}:${throttlerName}`, ttl, limit, blockDuration);
    const isBlocked = hits > limit;
    const secondsLeft = Math.ceil(msLeft / 1000);
    return {
      totalHits: hits,
      timeToExpire: secondsLeft,
      isBlocked,
      timeToBlockExpire: isBlocked ? secondsLeft : 0,
    };
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
