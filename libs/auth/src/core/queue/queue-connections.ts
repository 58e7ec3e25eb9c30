import type { Queue } from 'bull';
import { REDIS_RETRY_MAX_MS } from '@app/redis';

/**
 * How long a queue about to close waits for connections on their way back to
 * Redis: the longest gap between two tries (the queue's connections use the
 * app's rule, exchange-queue.module), one connect timeout, and a margin.
 */
export const QUEUE_RECONNECT_WAIT_MS = REDIS_RETRY_MAX_MS + 2000 + 1000;

/** ioredis statuses of a connection that has been lost and is being made again. */
const RECONNECTING = new Set(['connect', 'connecting', 'reconnecting']);

/**
 * Resolves once none of the queue's connections is mid-reconnect, or after
 * `waitMs`. Bull's close() quits and then disconnects each connection; one
 * caught reconnecting (Redis was just restarted) carries on reconnecting
 * (ioredis), its blocking read starts again, and the close never ends: the
 * worker would then hang on SIGTERM until it is killed. Waiting for the
 * connections to be back (or ended) lets the close run as it does normally;
 * with Redis still down it goes on after `waitMs`, and Bull's close ends by
 * itself there. Answers how many connections it waited for, and whether
 * they all came back in time.
 */
export async function untilQueueReconnected(
  queue: Queue,
  waitMs = QUEUE_RECONNECT_WAIT_MS,
): Promise<{ waitedFor: number; back: boolean }> {
  const returning = queue.clients.filter((client) => RECONNECTING.has(client.status));
  if (returning.length === 0) return { waitedFor: 0, back: true };
  const cleanups: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const back = await Promise.race([
      Promise.all(
        returning.map(
          (client) =>
            new Promise<void>((resolve) => {
              const settled = (): void => resolve();
              client.once('ready', settled);
              client.once('end', settled);
              cleanups.push(() => {
                client.off('ready', settled);
                client.off('end', settled);
              });
            }),
        ),
      ).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
    ]);
    return { waitedFor: returning.length, back };
  } finally {
    clearTimeout(timer);
    for (const cleanup of cleanups) cleanup();
  }
}
