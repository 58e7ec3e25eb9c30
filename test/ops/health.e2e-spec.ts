import { WorkerHealthApp } from '../../apps/worker/src/worker-health.app';
import { TestStack } from '../support/test-stack';
import { waitFor } from '../support/built-process';
import { PrivateRedis } from '../support/private-services';

interface HealthReport {
  status: 'ok' | 'error';
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string; message?: string }>;
  details: Record<string, { status: string }>;
}

describe('Health checks: /health/live and /health/ready on the API and on the worker', () => {
  const redis = new PrivateRedis();
  let stack: TestStack;
  let workerUrl: string;

  const probe = async (base: string, path: string) => {
    const response = await fetch(base + path);
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as HealthReport,
    };
  };

  beforeAll(async () => {
    await redis.start();
    stack = await TestStack.start({
      // A tight rate limit, to show the probes are not counted against it.
      env: {
        REDIS_URL: redis.url,
        WORKER_HEALTH_PORT: '0',
        RATE_LIMIT_MAX: '3',
      },
    });
    workerUrl = `http://127.0.0.1:${stack.worker!.get(WorkerHealthApp).port}`;
  });
  afterAll(async () => {
    await stack?.stop();
    await redis.destroy();
  });

  it('answers live and ready with terminus JSON while everything is up', async () => {
    for (const base of [stack.apiUrl, workerUrl]) {
      const live = await probe(base, '/health/live');
      expect(live.status).toBe(200);
      expect(live.body.status).toBe('ok');

      const ready = await probe(base, '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        details: {
          mysql: { status: 'up' },
          redis: { status: 'up' },
          queue: { status: 'up' },
        },
      });
      expect(ready.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('needs no session, creates none, and is never rate limited', async () => {
    for (let i = 0; i < 10; i++) {
      const response = await fetch(stack.apiUrl + '/health/ready');
      expect(response.status).toBe(200);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    const sessions = await stack.api
      .get<import('ioredis').default>((await import('@app/redis')).REDIS_CLIENT)
      .keys(`${stack.ns.redisPrefix}:sess:*`);
    expect(sessions).toEqual([]);
  });

  it('turns ready false (503, the failing checks named) while Redis is down, and recovers when it is back', async () => {
    await redis.stop();
    try {
      for (const base of [stack.apiUrl, workerUrl]) {
        await waitFor(`${base} to report Redis down`, async () => (await probe(base, '/health/ready')).status === 503);
        const ready = await probe(base, '/health/ready');
        expect(ready.body.status).toBe('error');
        expect(ready.body.error).toMatchObject({
          redis: { status: 'down' },
          queue: { status: 'down' },
        });
        expect(ready.body.info).toMatchObject({ mysql: { status: 'up' } });
        // The process itself is fine: a liveness probe must not restart it for this.
        expect((await probe(base, '/health/live')).status).toBe(200);
      }
    } finally {
      await redis.start();
    }
    for (const base of [stack.apiUrl, workerUrl]) {
      await waitFor(`${base} to report ready again`, async () => (await probe(base, '/health/ready')).status === 200);
      expect((await probe(base, '/health/ready')).body.details).toMatchObject({
        redis: { status: 'up' },
        queue: { status: 'up' },
      });
    }
  });

  it('answers 404 JSON on the worker port for anything else', async () => {
    for (const [method, path] of [
      ['GET', '/nothing'],
      ['GET', '/health'],
      ['POST', '/health/live'],
      ['GET', '/api/me'],
    ]) {
      const response = await fetch(workerUrl + path, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({ statusCode: 404 });
    }
  });

  it('answers the same routes with or without a trailing slash or a query, and HEAD like GET', async () => {
    expect((await probe(workerUrl, '/health/live/')).status).toBe(200);
    expect((await probe(workerUrl, '/health/ready?full=1')).body.status).toBe('ok');
    expect((await fetch(workerUrl + '/health/live', { method: 'HEAD' })).status).toBe(200);
  });
});
