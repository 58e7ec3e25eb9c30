import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { ExchangeLease, LEASE_TTL_MS } from '../libs/auth/src/core/worker/exchange-lease';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** One exchange per operation at a time, on the real Redis: who waits, who releases, what is left to lapse. */
describe('The exchange lease, on the real Redis', () => {
  const prefix = `afl-test-${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const key = (operationId: string) => `${prefix}:exchange-lease:${operationId}`;
  const inAMinute = () => new Date(Date.now() + 60_000);
  let redis: Redis;
  let lease: ExchangeLease;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    lease = new ExchangeLease(redis, new ConfigService({ REDIS_PREFIX: prefix }) as never);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('releases the lease after a run that throws (a retry follows), so the retry takes it at once', async () => {
    await expect(
      lease.hold(
        'thrown',
        inAMinute(),
        () => Promise.reject(new Error('Facebook answered 503')),
        () => true,
      ),
    ).rejects.toThrow('Facebook answered 503');
    expect(await redis.exists(key('thrown'))).toBe(0);
    await expect(lease.hold('thrown', inAMinute(), async (_signal, { waited }) => waited)).resolves.toBe(false);
    expect(await redis.exists(key('thrown'))).toBe(0); // released: not settled
  });

  it('leaves a settled run’s lease to lapse within LEASE_TTL_MS instead of releasing it', async () => {
    await expect(
      lease.hold(
        'settled',
        inAMinute(),
        async () => 'ok',
        () => true,
      ),
    ).resolves.toBe('ok');
    const ttl = await redis.pttl(key('settled'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(LEASE_TTL_MS);
  });

  it('makes a second run wait until the first has finished, and tells it that it waited', async () => {
    const order: string[] = [];
    const first = lease.hold('shared', inAMinute(), async () => {
      order.push('first starts');
      await sleep(600);
      order.push('first ends');
    });
    await sleep(50);
    const second = lease.hold('shared', inAMinute(), async (_signal, { waited }) => {
      order.push(`second starts (waited: ${waited})`);
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'first ends', 'second starts (waited: true)']);
  });
});
