import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { waitFor } from './support/built-process';
import { RedisThrottlerStorage } from '../libs/auth/src/core/api/redis-throttler.storage';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/**
 * The rate limit's counters on the real Redis: the limit, the block that
 * outlives its window, the fresh start after it, and what one hit costs.
 */
describe('The rate-limit store, on the real Redis', () => {
  const prefix = `afl-test-${Date.now().toString(36)}_${randomBytes(3).toString('hex')}:throttle:`;
  let store: RedisThrottlerStorage;
  let redis: Redis;

  beforeAll(() => {
    store = new RedisThrottlerStorage(REDIS_URL, prefix);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    store.onApplicationShutdown();
  });

  const hit = (client: string, ttlMs: number, limit: number, blockMs: number) =>
    store.increment(client, ttlMs, limit, blockMs, 'default');

  it('counts hits in a window and refuses past the limit until the window ends', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await hit('window', 2000, 3, 2000));
    expect(answers.map((a) => [a.totalHits, a.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(answers[0].timeToExpire).toBe(2);
    expect(answers[3].timeToBlockExpire).toBe(2);
    expect(answers[2].timeToBlockExpire).toBe(0);
    expect(await redis.pttl(`${prefix}window:default`)).toBeGreaterThan(1000);
  });

  it('keeps a client refused for the whole block duration when it is longer than the window, then starts afresh', async () => {
    // Seconds, not milliseconds: a stalled machine must not end the window between two hits.
    expect((await hit('block', 2000, 1, 6000)).isBlocked).toBe(false);
    const refused = await hit('block', 2000, 1, 6000);
    expect(refused).toMatchObject({ isBlocked: true, timeToBlockExpire: 6 });
    await sleep(2500); // past the 2 s window, inside the 6 s block
    expect((await hit('block', 2000, 1, 6000)).isBlocked).toBe(true);
    await sleep(4500); // past the block
    expect(await hit('block', 2000, 1, 6000)).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('gives a counter left without an expiry one, instead of counting it forever', async () => {
    await redis.set(`${prefix}stuck:default`, '5');
    const answer = await hit('stuck', 1000, 100, 1000);
    expect(answer).toMatchObject({ totalHits: 6, isBlocked: false, timeToExpire: 1 });
    expect(await redis.pttl(`${prefix}stuck:default`)).toBeGreaterThan(0);
  });

  it('costs three Redis commands a hit: EVALSHA and two inside the script', async () => {
    await hit('cost', 5000, 10, 5000); // the script is loaded now, if it was not
    const monitor = await redis.monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      // EVALSHA names the key too; other suites' commands on the shared Redis do not.
      if (args.some((arg) => arg.startsWith(`${prefix}cost`))) seen.push(args[0].toLowerCase());
    });
    await sleep(100);
    await hit('cost', 5000, 10, 5000);
    await hit('cost', 5000, 10, 5000);
    await waitFor("the monitor's lines", () => seen.length >= 6);
    monitor.disconnect();
    expect(seen).toEqual(['evalsha', 'incr', 'pttl', 'evalsha', 'incr', 'pttl']);
  });
});
