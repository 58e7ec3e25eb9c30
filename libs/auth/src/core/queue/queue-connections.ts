import type { Queue } from 'bull';

/** How long a queue about to close waits for connections that are on their way back to Redis. */
export const QUEUE_RECONNECT_WAIT_MS = 3000;

/** ioredis statuses of a connection that has been lost and is being made again. */
const RECONNECTING = new Set(['connect', 'connecting', 'reconnecting']);

/**
 * Resolves once none of the queue's connections is mid-reconnect, or after
 * `waitMs`. Bull's close() quits and then disconnects each connection; one
 * caught reconnecting (Redis was just restarted) carries on reconnecting
 * (ioredis), its blocking read starts again, and the close never ends: the
 * worker would then hang on SIGTERM until it is killed. Waiting for the
 * connections to be back (at most ioredis's 2 s between tries) lets the
 * close run as it does normally; with Redis still down it goes on after
 * `waitMs`, and Bull's close ends by itself there.
 */
export async function untilQueueReconnected(queue: Queue, waitMs = QUEUE_RECONNECT_WAIT_MS): Promise<void> {
  const returning = queue.clients.filter((client) => RECONNECTING.has(client.status));
  if (returning.length === 0) return;
  const cleanups: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(
        returning.map(
          (client) =>
            new Promise<void>((resolve) => {
              const ready = (): void => resolve();
              client.once('ready', ready);
              cleanups.push(() => client.off('ready', ready));
            }),
        ),
      ),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs))),
    ]);
  } finally {
    clearTimeout(timer);
    for (const cleanup of cleanups) cleanup();
  }
}
