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
        expect(response.headers.get('www-authenticate')).toMatch(
          /^Basic realm="[^"]+"/,
        );
        expect(await response.text()).not.toContain('facebook-login');
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
    expect(body.queues.map((q) => q.name)).toContain('facebook-login');
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
      await fetch(
        stack.apiUrl +
          '/admin/operations?status=error&reason=facebook_bad_response&limit=5',
        { headers: admin },
      )
    ).json()) as { operations: OperationRecordJson[] };
    expect(errors.operations).toEqual([
      expect.objectContaining({
        status: 'error',
        reason: 'facebook_bad_response',
        userId: null,
      }),
    ]);

    const none = (await (
      await fetch(stack.apiUrl + '/admin/operations?status=ok&reason=timeout', {
        headers: admin,
      })
    ).json()) as { operations: unknown[] };
    expect(none.operations).toEqual([]);

    for (const bad of [
      'status=maybe',
      'limit=0',
      'limit=100000',
      'reason=%27%20OR%201%3D1',
      'other=1',
    ]) {
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

  it.each([
    '/admin/queues',
    '/admin/queues/api/queues',
    '/admin/operations',
    '/admin',
  ])('answers %s with 404', async (path) => {
    const response = await fetch(stack.apiUrl + path, {
      headers: { authorization: basicAuth('admin', 'anything-at-all') },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
