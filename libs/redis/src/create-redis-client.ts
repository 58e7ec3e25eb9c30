import Redis, { RedisOptions } from 'ioredis';

/** The longest wait between two tries to reach Redis again. */
export const REDIS_RETRY_MAX_MS = 2000;

/**
 * The delay before try `times` to reconnect: 200 ms, 400 ms, … capped at
 * REDIS_RETRY_MAX_MS, for ever. Every connection of the app, Bull's too, so
 * each is back within 2 s of Redis (Bull's own rule waits up to 20 s).
 */
export const redisRetryDelay = (times: number): number => Math.min(100 * 2 ** times, REDIS_RETRY_MAX_MS);

/**
 * An ioredis client for REDIS_URL (its `/N` database index is honoured) that
 * reconnects forever with a capped delay and fails commands fast while Redis
 * is away, instead of queueing them without bound.
 */
export function createRedisClient(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, {
    connectTimeout: 2000,
    maxRetriesPerRequest: 2,
    retryStrategy: redisRetryDelay,
    ...overrides,
  });
}
