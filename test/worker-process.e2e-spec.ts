import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { waitFor } from './support/built-process';
import { signIn } from './support/login-flow';
import { PrivateRedis } from './support/private-services';
import { TestStack } from './support/test-stack';

const [alice] = DEFAULT_TEST_USERS;

describe('A worker in another process than the API (the built dist/apps/worker)', () => {
  let stack: TestStack;
  let workerUrl: string;

  beforeAll(async () => {
    stack = await TestStack.start({ worker: 'child-process' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('exchanges the code there, and the status event still reaches the API stream', async () => {
    const user = await signIn(stack, stack.browser(), alice.id);
    expect(user).toMatchObject({ firstName: 'Alice', email: 'alice@example.com' });
    expect(stack.worker).toBeUndefined();
    expect(stack.workerProcess?.running).toBe(true);
  });

  it('serves its health port (WORKER_HEALTH_PORT=0 picks one, and the log says which)', async () => {
    const port = /Worker health and metrics on 127\.0\.0\.1:(\d+)/.exec(stack.workerProcess!.text)?.[1];
    expect(port).toBeDefined();
    workerUrl = `http://127.0.0.1:${port}`;
    const ready = await fetch(workerUrl + '/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', details: { queue: { status: 'up' } } });
    expect((await fetch(workerUrl + '/metrics')).headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await fetch(workerUrl + '/nothing')).status).toBe(404);
  });

  it('logs JSON lines only, from the first (its health app starting inside the worker included)', () => {
    const lines = stack.workerProcess!.text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(lines.some((line) => line.includes('Mapped {/health/ready, GET} route'))).toBe(true);
  });

  it('stops cleanly on SIGTERM, its health port closed', async () => {
    // Nest runs the shutdown hooks (Bull closes, the health app closes, connections end), then re-raises the signal.
    const { code, signal } = await stack.workerProcess!.signal('SIGTERM');
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    await expect(fetch(workerUrl + '/health/live')).rejects.toThrow();
  });
});

describe('A worker told to stop while Redis is away, and back a moment later', () => {
  const privateRedis = new PrivateRedis();
  let stack: TestStack;

  beforeAll(async () => {
    await privateRedis.start();
    stack = await TestStack.start({ worker: 'child-process', env: { REDIS_URL: privateRedis.url } });
  });
  afterAll(async () => {
    await stack?.stop();
    await privateRedis.destroy();
  });

  it('still exits on SIGTERM while its queue connections are reconnecting', async () => {
    const worker = stack.workerProcess!;
    await privateRedis.stop();
    await waitFor('the worker to lose Redis', () => /ECONNREFUSED/.test(worker.text));
    // Told to stop while its connections are retrying, Redis back a moment later: the worker waits for
    // them before Bull closes the queue. (Bull's close of a connection caught reconnecting with Redis
    // back never ended: SIGTERM 0.1 s after a restart hung the worker 5 times in 5, by hand.)
    const exit = worker.signal('SIGTERM');
    await waitFor('the worker to begin stopping', () => /Stopping on SIGTERM/.test(worker.text));
    await privateRedis.start();
    const outcome = await Promise.race([exit, sleep(20000).then(() => 'still running' as const)]);
    expect(outcome).not.toBe('still running');
    const { code, signal } = await exit;
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(worker.text).toMatch(/Waited for \d+ queue connection\(s\) to be back on Redis before closing the queue/);
  });
});
