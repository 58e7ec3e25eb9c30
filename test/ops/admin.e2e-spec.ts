import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { EXCHANGE_JOB, EXCHANGE_QUEUE, type ExchangeJobData } from '@app/auth';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { failedLogin, signIn } from '../support/login-flow';
import { TestStack } from '../support/test-stack';
import { basicAuth } from './ops-support';

const [alice, bob] = DEFAULT_TEST_USERS;
const ADMIN_USER = 'support';
const ADMIN_PASSWORD = 'correct horse battery staple';

interface OperationRecordJson {
  id: string;
  status: string;
  reason?: string;
  userId: string | null;
  userAgent: string | null;
}

describe('Admin routes with ADMIN_USER / ADMIN_PASSWORD set', () => {
  let stack: TestStack;
  const admin = { authorization: basicAuth(ADMIN_USER, ADMIN_PASSWORD) };

  beforeAll(async () => {
    stack = await TestStack.start({ env: { ADMIN_USER, ADMIN_PASSWORD } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(['/admin/queues', '/admin/queues/api/queues', '/admin/operations'])(
    'refuses %s without the right credentials: 401 with a Basic challenge',
    async (path) => {
      for (const headers of [
        {} as Record<string, string>,
        {
          authorization: basicAuth(ADMIN_USER, 'wrong password, same length!'),
        },
        { authorization: basicAuth('someone', ADMIN_PASSWORD) },
        { authorization: 'Bearer ' + ADMIN_PASSWORD },
      ]) {
        const response = await fetch(stack.apiUrl + path, { headers });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
        expect(await response.text()).not.toContain(EXCHANGE_QUEUE);
      }
    },
  );

  it('shows the queue dashboard and its API to the admin', async () => {
    const page = await fetch(stack.apiUrl + '/admin/queues', {
      headers: admin,
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // Its UI styles inline; scripts stay same-origin only.
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);

    const queues = await fetch(stack.apiUrl + '/admin/queues/api/queues', {
      headers: admin,
    });
    expect(queues.status).toBe(200);
    const body = (await queues.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name)).toContain(EXCHANGE_QUEUE);
  });

  it('lists attempts for support, filterable by status and reason', async () => {
    const user = await signIn(stack, stack.browser(), alice.id);
    expect((await failedLogin(stack, stack.browser(), bob.id)).final?.status).toBe('error');

    const all = await fetch(stack.apiUrl + '/admin/operations', {
      headers: admin,
    });
    expect(all.status).toBe(200);
    expect(all.headers.get('cache-control')).toBe('no-store');
    const { operations } = (await all.json()) as {
      operations: OperationRecordJson[];
    };
    expect(operations.map((o) => o.status)).toEqual(['error', 'ok']);
    expect(operations[1]).toMatchObject({ userId: user.id, userAgent: 'node' });

    const errors = (await (
      await fetch(stack.apiUrl + '/admin/operations?status=error&reason=provider_bad_response&limit=5', {
        headers: admin,
      })
    ).json()) as { operations: OperationRecordJson[] };
    expect(errors.operations).toEqual([
      expect.objectContaining({
        status: 'error',
        reason: 'provider_bad_response',
        userId: null,
      }),
    ]);

    const none = (await (
      await fetch(stack.apiUrl + '/admin/operations?status=ok&reason=timeout', {
        headers: admin,
      })
    ).json()) as { operations: unknown[] };
    expect(none.operations).toEqual([]);

    for (const bad of ['status=maybe', 'limit=0', 'limit=100000', 'reason=%27%20OR%201%3D1', 'other=1']) {
      expect(
        (
          await fetch(`${stack.apiUrl}/admin/operations?${bad}`, {
            headers: admin,
          })
        ).status,
      ).toBe(400);
    }
  });
});

describe('The queue dashboard is read-only and shows no secret', () => {
  let stack: TestStack;
  const admin = { authorization: basicAuth(ADMIN_USER, ADMIN_PASSWORD) };
  const queueName = encodeURIComponent(EXCHANGE_QUEUE);
  const board = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.apiUrl}/admin/queues/api${path}`, {
      method,
      headers: { ...admin, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const queue = () => stack.api.get<Queue<ExchangeJobData>>(getQueueToken(EXCHANGE_QUEUE));
  // What the callback and the worker put in a job: each must stay out of the dashboard.
  const secrets = {
    code: 'AQB-secret-authorization-code-0123456789',
    codeVerifier: 'secret-pkce-verifier-abcdefghijklmnopqrstuvwxyz0123',
    sealedToken: 'c2VhbGVkLXRva2VuLXNlY3JldA.sealed-token-secret',
  };
  const waitingId = 'op-waiting-0000000000000001';
  const delayedId = 'op-delayed-0000000000000002';

  beforeAll(async () => {
    // No worker: the jobs stay where the test puts them.
    stack = await TestStack.start({ env: { ADMIN_USER, ADMIN_PASSWORD }, worker: 'none' });
  });
  // Each case starts from the same two jobs, so one refusal that did not hold cannot hide another.
  beforeEach(async () => {
    await queue().resume();
    for (const id of [waitingId, delayedId]) await (await queue().getJob(id))?.remove();
    await queue().add(EXCHANGE_JOB, { operationId: waitingId, provider: 'facebook', ...secrets }, { jobId: waitingId });
    await queue().add(
      EXCHANGE_JOB,
      { operationId: delayedId, provider: 'facebook', code: secrets.code },
      { jobId: delayedId, delay: 3_600_000 },
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const snapshot = async () => ({
    counts: await queue().getJobCounts(),
    paused: await queue().isPaused(),
    waiting: (await queue().getJob(waitingId))?.data,
    delayed: await (await queue().getJob(delayedId))?.getState(),
  });

  it.each([
    ['PUT', '/queues/pause', undefined],
    ['PUT', '/queues/resume', undefined],
    ['POST', `/queues/${queueName}/add`, { name: EXCHANGE_JOB, data: { operationId: 'x' } }],
    ['PUT', `/queues/${queueName}/empty`, undefined],
    ['PUT', `/queues/${queueName}/obliterate`, undefined],
    ['PUT', `/queues/${queueName}/pause`, undefined],
    ['PUT', `/queues/${queueName}/resume`, undefined],
    ['PUT', `/queues/${queueName}/promote`, undefined],
    ['PUT', `/queues/${queueName}/retry/failed`, undefined],
    ['PUT', `/queues/${queueName}/clean/waiting`, undefined],
    ['PUT', `/queues/${queueName}/clean/delayed`, undefined],
    ['PUT', `/queues/${queueName}/concurrency`, { concurrency: 1 }],
    ['PUT', `/queues/${queueName}/rate-limit`, { max: 1, duration: 1000 }],
    ['PUT', `/queues/${queueName}/rate-limit/release`, undefined],
    ['PUT', `/queues/${queueName}/${waitingId}/clean`, undefined],
    ['PUT', `/queues/${queueName}/${waitingId}/retry`, undefined],
    ['PUT', `/queues/${queueName}/${delayedId}/promote`, undefined],
    ['PATCH', `/queues/${queueName}/${waitingId}/update-data`, { operationId: waitingId }],
    ['PATCH', `/queues/${queueName}/${delayedId}/delay`, { delay: 0 }],
    ['PATCH', `/queues/${queueName}/${waitingId}/priority`, { priority: 1 }],
    ['PUT', `/queues/${queueName}/job-schedulers/any/remove`, undefined],
    ['POST', '/metrics/history/purge', {}],
    ['DELETE', `/queues/${queueName}`, undefined],
  ] as [string, string, unknown][])(
    'refuses %s %s with 403 JSON and leaves the queue as it was',
    async (method, path, body) => {
      const before = await snapshot();
      expect(before.waiting).toEqual({ operationId: waitingId, provider: 'facebook', ...secrets });
      expect(before.delayed).toBe('delayed');

      const response = await board(method, path, body);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({ statusCode: 403, error: 'Forbidden' });

      expect(await snapshot()).toEqual(before);
    },
  );

  it('asks a stranger for credentials (401) before saying the dashboard is read-only', async () => {
    const response = await fetch(`${stack.apiUrl}/admin/queues/api/queues/${queueName}/empty`, { method: 'PUT' });
    expect(response.status).toBe(401);
    expect(await queue().getJob(waitingId)).not.toBeNull();
  });

  it('shows job data as a whitelist: the operation id and what the job holds, never a code, verifier or token', async () => {
    const texts: string[] = [];
    const read = async (path: string) => {
      const response = await board('GET', path);
      expect(response.status).toBe(200);
      const text = await response.text();
      texts.push(text);
      return JSON.parse(text) as unknown;
    };

    const list = (await read(`/queues?activeQueue=${queueName}&status=latest&page=1&jobsPerPage=50`)) as {
      queues: { name: string; readOnlyMode: boolean; jobs: { id: string; data: unknown }[] }[];
    };
    const login = list.queues.find((q) => q.name === EXCHANGE_QUEUE)!;
    expect(login.readOnlyMode).toBe(true);
    expect(login.jobs.map((job) => job.id).sort()).toEqual([delayedId, waitingId].sort());
    expect(login.jobs.find((job) => job.id === waitingId)!.data).toEqual({
      operationId: waitingId,
      hasCode: true,
      hasCodeVerifier: true,
      hasSealedToken: true,
      codeSentAt: null,
    });
    expect(login.jobs.find((job) => job.id === delayedId)!.data).toEqual({
      operationId: delayedId,
      hasCode: true,
      hasCodeVerifier: false,
      hasSealedToken: false,
      codeSentAt: null,
    });

    const one = (await read(`/queues/${queueName}/${waitingId}`)) as { job: { data: unknown } };
    expect(one.job.data).toEqual({
      operationId: waitingId,
      hasCode: true,
      hasCodeVerifier: true,
      hasSealedToken: true,
      codeSentAt: null,
    });
    await read(`/queues/${queueName}/${waitingId}/logs`);

    for (const text of texts) {
      for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/"(code|codeVerifier|sealedToken)"/);
    }
  });
});

describe('Admin routes without ADMIN_USER / ADMIN_PASSWORD (the default)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // SERVE_CLIENT: the SPA's history fallback must not answer for them either.
    stack = await TestStack.start({
      env: { SERVE_CLIENT: 'true' },
      worker: 'none',
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(['/admin/queues', '/admin/queues/api/queues', '/admin/operations', '/admin'])(
    'answers %s with 404',
    async (path) => {
      const response = await fetch(stack.apiUrl + path, {
        headers: { authorization: basicAuth('admin', 'anything-at-all') },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    },
  );
});
