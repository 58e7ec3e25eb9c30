import Redis, { RedisOptions } from 'ioredis';

/**
 * An ioredis client for REDIS_URL (its `/N` database index is honoured) that
 * reconnects forever with a capped delay and fails commands fast while Redis
 * is away, instead of queueing them without bound.
 */
export function createRedisClient(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, {
    connectTimeout: 2000,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2000),
    ...overrides,
  });
}
