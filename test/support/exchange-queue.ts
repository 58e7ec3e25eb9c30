import Bull from 'bull';
import { EXCHANGE_QUEUE } from '@app/auth';
import { exchangeQueuePrefix } from '@app/auth/worker';

/** The exchange queue of a stack's settings, on a connection of its own, as its processes see it: close it when done. */
export function openExchangeQueue(redisUrl: string, env: Readonly<Record<string, string>>): Bull.Queue {
  return new Bull(EXCHANGE_QUEUE, redisUrl, { prefix: exchangeQueuePrefix(env.REDIS_PREFIX, env.DATABASE_URL) });
}
