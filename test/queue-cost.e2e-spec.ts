import { randomBytes } from 'node:crypto';
import Queue from 'bull';
import Redis from 'ioredis';
import { EXCHANGE_QUEUE } from '@app/auth';
import { BULL_LOCK_RENEW_MS } from '../libs/auth/src/core/queue/exchange-queue.module';
import { useLeanQueueScripts } from '../libs/auth/src/core/queue/lean-bull-scripts';
import { waitFor } from './support/built-process';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/**
 * Bull's per-job scripts without the event publishes nobody hears, run on the
 * real Redis: jobs still complete and fail as before, and a retry's backoff
 * still wakes the worker at once (the `delayed` publish is kept).
 */
describe("The login queue's lean Bull scripts, on the real Redis", () => {
  const prefix = `afl-test-${Date.now().toString(36)}_${randomBytes(3).toString('hex')}:bull`;
  let queue: Queue.Queue;
  let redis: Redis;
  let monitor: Redis;
  const published: string[] = [];

  beforeAll(async () => {
    queue = new Queue(EXCHANGE_QUEUE, REDIS_URL, {
      prefix,
      settings: {
        lockDuration: 8000,
        lockRenewTime: BULL_LOCK_RENEW_MS,
        stalledInterval: 4000,
        maxStalledCount: 2,
        // No guard tick within the test: a retry that runs at all was woken by the delayed publish.
        guardInterval: 120_000,
      },
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
    });
    await queue.isReady();
    expect(useLeanQueueScripts(queue)).toEqual({
      lean: ['addJob', 'moveToActive', 'moveToFinished', 'updateDelaySet'],
      unchanged: [],
    });
    redis = new Redis(REDIS_URL);
    monitor = await redis.monitor(); // a connection of its own
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'publish' && args[1]?.startsWith(prefix))
        published.push(args[1].slice(prefix.length + 1));
    });
  });
  afterAll(async () => {
    monitor?.disconnect();
    redis?.disconnect();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
  });

  it('completes, fails and retries jobs as Bull does, publishing only what a worker listens to', async () => {
    const runs: Array<{ id: string; at: number }> = [];
    let failedAt = 0;
    void queue.process('exchange', 5, (job: Queue.Job<{ fail: boolean }>) => {
      runs.push({ id: String(job.id), at: Date.now() });
      if (job.data.fail && job.attemptsMade === 0) {
        if (job.id === 'retried') failedAt = Date.now();
        return Promise.reject(new Error('Facebook answered 503'));
      }
      return Promise.resolve();
    });
    const finalFailure = new Promise<string>((resolve) =>
      queue.on('failed', (job, error) => job.attemptsMade >= 1 && job.id === 'final' && resolve(error.message)),
    );

    await queue.add('exchange', { fail: false }, { jobId: 'ok' });
    await queue.add(
      'exchange',
      { fail: true },
      { jobId: 'retried', attempts: 2, backoff: { type: 'fixed', delay: 300 } },
    );
    await queue.add('exchange', { fail: true }, { jobId: 'final', attempts: 1 });
    await waitFor(
      'every job to end',
      async () => {
        const counts = await queue.getJobCounts();
        return (
          runs.filter((r) => r.id === 'retried').length === 2 && counts.waiting + counts.active + counts.delayed === 0
        );
      },
      15000,
    );
    expect(await finalFailure).toBe('Facebook answered 503');

    // The retry ran once its 300 ms backoff was up (within the 15 s wait above, when the guard's
    // tick is two minutes away): the delayed publish still reaches the worker.
    const retry = runs.filter((r) => r.id === 'retried')[1];
    expect(retry.at - failedAt).toBeGreaterThanOrEqual(300);
    // Ended jobs are gone (their data holds the code).
    expect(await queue.getJob('ok')).toBeNull();
    expect(await queue.getJob('final')).toBeNull();

    await waitFor("the monitor's lines", () => published.length > 0);
    expect([...new Set(published)]).toEqual(['exchange:delayed']);
  });
});
