import { ReadinessRegistry } from '@app/observability';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { BULL_LOCK_RENEW_MS, ExchangeQueueModule, exchangeQueuePrefix } from './exchange-queue.module';

describe(exchangeQueuePrefix.name, () => {
  it('namespaces the queue by REDIS_PREFIX and the database, without credentials', () => {
    expect(exchangeQueuePrefix('afl', 'mysql://app:s3cret@db.internal:3306/facebook_login')).toBe(
      'afl:bull:db.internal:3306/facebook_login',
    );
  });

  it('gives two deployments that share a Redis and a prefix, but not a database, two queues', () => {
    expect(exchangeQueuePrefix('afl', 'mysql://root@db:3306/staging')).not.toBe(
      exchangeQueuePrefix('afl', 'mysql://root@db:3306/production'),
    );
  });
});

describe(ExchangeQueueModule.name, () => {
  it("pushes Bull's own lock renewal out of reach without overflowing Node's timers (the lock watch renews instead)", () => {
    // A longer delay would be clamped to 1 ms, and Bull would renew continuously.
    expect(BULL_LOCK_RENEW_MS).toBe(2 ** 31 - 1);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      clearTimeout(setTimeout(() => undefined, BULL_LOCK_RENEW_MS));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });

  it("makes Bull's per-job scripts lean before the queue is used", () => {
    const client = new Redis({ lazyConnect: true });
    client.defineCommand('moveToActive', {
      numberOfKeys: 8,
      lua: 'rcall("PUBLISH", KEYS[4], jobId)\nrcall("PUBLISH", KEYS[8], "")',
    });
    new ExchangeQueueModule({ client } as unknown as Queue, new ReadinessRegistry()).onModuleInit();
    const scripts = (client as unknown as { scriptsSet: Record<string, { lua: string }> }).scriptsSet;
    expect(scripts.moveToActive.lua).not.toContain('PUBLISH');
    client.disconnect();
  });
});
