import { setTimeout as sleep } from 'node:timers/promises';
import { signRequest } from '@app/auth/api';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { signIn, startLogin, watchUntilFinal } from './support/login-flow';
import { LogCapture, TEST_APP_SECRET, TestStack } from './support/test-stack';

const [alice, bob, zoe] = DEFAULT_TEST_USERS;

/**
 * Two deployments pointed at one Redis with one REDIS_PREFIX by mistake, each
 * with its own database: the login queue is namespaced by the database, so
 * neither worker takes (and drops) the other's jobs.
 */
describe('Two deployments sharing one Redis and one REDIS_PREFIX, with different databases', () => {
  const prefix = `afl-test-shared-${Date.now().toString(36)}`;
  const logsA = new LogCapture();
  let a: TestStack;
  let b: TestStack;

  beforeAll(async () => {
    // A runs in this process; B's API runs from the build (passport's strategies are process-wide),
    // and B starts without a worker, so only A's worker is there to take a job of B's.
    a = await TestStack.start({ env: { REDIS_PREFIX: prefix }, logs: logsA });
    b = await TestStack.start({
      env: { REDIS_PREFIX: prefix, LOGIN_DEADLINE_MS: '20000' },
      api: 'child-process',
      worker: 'none',
    });
    expect(a.env.REDIS_URL).toBe(b.env.REDIS_URL);
    expect(a.ns.databaseUrl).not.toBe(b.ns.databaseUrl);
  }, 120000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  const notOk = async (stack: TestStack) =>
    await stack.db.query<{ public_id: string; async_operation_status_id: number; error_code: string | null }[]>(
      'SELECT public_id, async_operation_status_id, error_code FROM async_operation WHERE async_operation_status_id <> 2',
    );

  it("leaves the other deployment's job alone: it waits for its own worker, then ends ok", async () => {
    const browser = b.browser();
    const { response } = await startLogin(b, browser, alice.id);
    expect(response.location).toBe('/login/pending?provider=facebook');
    const { id } = (await browser.get('/api/auth/operation')).json<{ id: string }>();

    // A's worker is idle and listening; a job it could see would be gone in milliseconds.
    await sleep(1500);
    expect((await browser.get('/api/auth/operation')).json()).toEqual({ id, status: 'pending' });
    expect(logsA.text).not.toContain(id);

    await b.startWorkerProcess();
    const { final } = await watchUntilFinal(browser, 30000);
    // B's own worker signed the session in (in the shared Redis, under B's database) before it announced ok.
    expect(final).toEqual({
      id,
      status: 'ok',
      user: {
        id: expect.any(String),
        firstName: alice.first_name,
        lastName: alice.last_name,
        email: alice.email,
        declined: [],
        pictureUrl: b.pictureOf(alice.id),
      },
      returnTo: '/',
    });
    expect((await browser.get('/api/me')).json()).toEqual({ ...final!.user, providers: ['facebook'] });
  });

  it('signs people in on both at once, each login by its own deployment', async () => {
    if (!b.workerProcess) await b.startWorkerProcess();
    const people = [alice, bob, zoe];
    const users = await Promise.all(
      [a, b].flatMap((stack) => people.map((person) => signIn(stack, stack.browser(), person.id))),
    );
    expect(users.map((user) => user.firstName)).toEqual([...people, ...people].map((p) => p.first_name));

    for (const stack of [a, b]) {
      expect(await notOk(stack)).toEqual([]);
      const [{ n }] = await stack.db.query<{ n: string }[]>(
        'SELECT COUNT(*) AS n FROM async_operation WHERE attempts = 1 AND finished_at IS NOT NULL',
      );
      expect(Number(n)).toBeGreaterThanOrEqual(people.length);
    }
    expect(logsA.text).not.toMatch(/already ended; nothing to do/);
  });

  it("ends only its own person's sessions on a data deletion, though the other's user has the same row id", async () => {
    const facebookIdOfRow1 = async (stack: TestStack) =>
      (await stack.db.query<{ facebook_id: string }[]>('SELECT facebook_id FROM user_profile WHERE id = 1'))[0]
        .facebook_id;
    const [onA, onB] = [a.browser(), b.browser()];
    await signIn(a, onA, await facebookIdOfRow1(a));
    await signIn(b, onB, await facebookIdOfRow1(b));

    const deletion = await fetch(a.apiUrl + '/auth/facebook/data-deletion', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        signed_request: signRequest(
          { algorithm: 'HMAC-SHA256', user_id: await facebookIdOfRow1(a), issued_at: Math.floor(Date.now() / 1000) },
          TEST_APP_SECRET,
        ),
      }).toString(),
    });
    expect(deletion.status).toBe(200);
    expect((await onA.get('/api/me')).status).toBe(401);
    expect((await onB.get('/api/me')).status).toBe(200);
  });
});
