import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { WorkerHealthApp } from '../../apps/worker/src/worker-health.app';
import { failedLogin, signIn, startLogin, watchFromOpen } from '../support/login-flow';
import { TestStack } from '../support/test-stack';
import { waitFor } from '../support/built-process';
import { sample } from './ops-support';

const [alice, bob] = DEFAULT_TEST_USERS;
const METRICS_TOKEN = 'metrics-token-for-the-e2e-suite';

describe('Prometheus metrics of the API (/metrics) and of the worker (its health port)', () => {
  let stack: TestStack;
  let workerUrl: string;

  const scrape = async (base: string, token = METRICS_TOKEN) => {
    const response = await fetch(base + '/metrics', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return response.text();
  };

  beforeAll(async () => {
    stack = await TestStack.start({
      env: { WORKER_HEALTH_PORT: '0', METRICS_TOKEN },
    });
    workerUrl = `http://127.0.0.1:${stack.worker!.get(WorkerHealthApp).port}`;
  });
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(async () => {
    // The hanging token call of the stream tests must not retry into the next test.
    await stack.settle();
  });

  it('refuses a scrape without the token (401 with a Bearer challenge) on both ports', async () => {
    for (const base of [stack.apiUrl, workerUrl]) {
      const bare = await fetch(base + '/metrics');
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(
        (
          await fetch(base + '/metrics', {
            headers: { authorization: 'Bearer wrong-token-of-some-length' },
          })
        ).status,
      ).toBe(401);
    }
  });

  it('counts a login: started on the API, finished ok and timed in the worker', async () => {
    const before = {
      api: await scrape(stack.apiUrl),
      worker: await scrape(workerUrl),
    };
    const count = (text: string, name: string, labels?: Record<string, string>) => sample(text, name, labels) ?? 0;

    await signIn(stack, stack.browser(), alice.id);

    const api = await scrape(stack.apiUrl);
    // The worker counts the end just after it announced it: wait for the count, not for a time.
    let worker = '';
    await waitFor('the worker to count the login', async () => {
      worker = await scrape(workerUrl);
      return (
        count(worker, 'afl_exchange_duration_seconds_count', { outcome: 'done' }) >
        count(before.worker, 'afl_exchange_duration_seconds_count', { outcome: 'done' })
      );
    });
    expect(count(api, 'afl_login_attempts_started_total') - count(before.api, 'afl_login_attempts_started_total')).toBe(
      1,
    );
    const finishedOk = { status: 'ok', reason: '' };
    expect(
      count(worker, 'afl_login_attempts_finished_total', finishedOk) -
        count(before.worker, 'afl_login_attempts_finished_total', finishedOk),
    ).toBe(1);
    expect(
      count(worker, 'afl_exchange_duration_seconds_count', {
        outcome: 'done',
      }) -
        count(before.worker, 'afl_exchange_duration_seconds_count', {
          outcome: 'done',
        }),
    ).toBe(1);
    expect(
      count(worker, 'afl_callback_to_final_seconds_count', { status: 'ok' }) -
        count(before.worker, 'afl_callback_to_final_seconds_count', {
          status: 'ok',
        }),
    ).toBe(1);
    // Read from Redis at scrape time, in both processes.
    for (const text of [api, worker]) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(sample(text, 'afl_queue_jobs', { state })).toEqual(expect.any(Number));
      }
    }
    expect(sample(api, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts a failed login by its reason', async () => {
    const before = await scrape(workerUrl);
    const labels = { status: 'error', reason: 'provider_bad_response' };
    // An answer that is not a token: final at once, no retry.
    expect((await failedLogin(stack, stack.browser(), bob.id)).final?.status).toBe('error');

    // Counted just after the end was announced: wait for the count, then check it is exactly one.
    const failures = (text: string) => sample(text, 'afl_login_attempts_finished_total', labels) ?? 0;
    let after = '';
    await waitFor('the worker to count the failure', async () => {
      after = await scrape(workerUrl);
      return failures(after) > failures(before);
    });
    expect(failures(after) - failures(before)).toBe(1);
  });

  /** The gauge, read from the API's registry of open streams at scrape time. */
  const open = async () => sample(await scrape(stack.apiUrl), 'afl_open_event_streams');

  it('shows the event streams held open, and forgets one whose client went away', async () => {
    expect(await open()).toBe(0);

    // A token call that hangs keeps the attempt pending, and its stream open.
    await stack.emulatorKnob('POST', '/faults', {
      endpoint: 'token',
      kind: 'hang',
      times: 1,
    });
    const browser = stack.browser();
    await startLogin(stack, browser, alice.id);
    const controller = new AbortController();
    const stream = await fetch(browser.url('/api/auth/operation/events'), {
      headers: {
        accept: 'text/event-stream',
        cookie: `afl.sid=${browser.cookie('afl.sid')}`,
      },
      signal: controller.signal,
    });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await waitFor('the gauge to count the stream', async () => (await open()) === 1);

    controller.abort();
    await stream.body?.cancel().catch(() => undefined);
    await waitFor('the gauge to forget the stream', async () => (await open()) === 0);
  });

  it('forgets a stream that ends with its sign-in', async () => {
    expect(await open()).toBe(0);
    // The token call is held until the gauge counted the stream: counted however slow the machine is.
    await stack.holdNext('token');
    const browser = stack.browser();
    await startLogin(stack, browser, alice.id);
    const { opened, watching } = watchFromOpen(browser);
    expect((await opened).status).toBe('pending');
    await waitFor('the gauge to count the stream', async () => (await open()) === 1);

    await stack.releaseHeld();
    // The server ends the stream after the final status.
    const { final, ended } = await watching;
    expect(final?.status).toBe('ok');
    expect(ended).toBe(true);
    await waitFor('the gauge to forget the ended stream', async () => (await open()) === 0);
  });
});

describe('/metrics in production without METRICS_TOKEN', () => {
  let stack: TestStack;
  let workerUrl: string;

  beforeAll(async () => {
    // Boots as usual (the fault suite runs like this), but serves no metrics.
    stack = await TestStack.start({
      env: { WORKER_HEALTH_PORT: '0', NODE_ENV: 'production' },
    });
    workerUrl = `http://127.0.0.1:${stack.worker!.get(WorkerHealthApp).port}`;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 403 JSON saying to set METRICS_TOKEN, on both ports, whatever the header', async () => {
    for (const base of [stack.apiUrl, workerUrl]) {
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer some-guessed-token-value' }]) {
        const response = await fetch(base + '/metrics', { headers });
        expect(response.status).toBe(403);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        const body = (await response.json()) as { statusCode: number; message: string };
        expect(body.statusCode).toBe(403);
        expect(body.message).toMatch(/METRICS_TOKEN/);
      }
      // The probes are unaffected.
      expect((await fetch(base + '/health/live')).status).toBe(200);
    }
  });
});
