import Redis from 'ioredis';
import type { Reachability } from '@app/config/service-reachability';
import { withTimeout } from '@app/config/service-reachability';

/** One PING to REDIS_URL, 2 s at most, without reconnect attempts. */
export async function redisReachability(url: string, timeoutMs = 2000): Promise<Reachability> {
  const parsed = new URL(url);
  const result = {
    service: 'Redis',
    target: `${parsed.hostname}:${parsed.port || 6379}`,
    setting: 'REDIS_URL',
  };
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // Reported below (the socket's ECONNREFUSED says more than "Connection is closed"); without a listener ioredis prints it too.
  let socketError: (Error & { code?: string }) | undefined;
  client.on('error', (error: Error) => (socketError ??= error));
  try {
    await withTimeout(
      client.connect().then(() => client.ping()),
      timeoutMs,
    );
    return { ...result, problem: null };
  } catch (error) {
    const code = socketError?.code ?? (error as { code?: string }).code;
    const message = socketError?.message ?? (error as Error).message;
    if (/NOAUTH|WRONGPASS/.test(message)) {
      return {
        ...result,
        problem: 'authentication failed',
        hint: 'fix the password in REDIS_URL',
      };
    }
    return { ...result, problem: code ?? message };
  } finally {
    client.disconnect();
  }
}
