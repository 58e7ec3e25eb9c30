import { DataSource } from 'typeorm';
import { AsyncOperationsService } from '@app/async-operations';
import { OperationHistoryService } from '@app/async-operations/history';
import { signRequest } from '@app/auth/api';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { UsersService } from '@app/users';
import { signIn } from './support/login-flow';
import { PrivateMariaDb } from './support/private-services';
import { TEST_APP_SECRET, TestStack } from './support/test-stack';

const [alice, bob] = DEFAULT_TEST_USERS;
/** Behind UTC, so a time taken in the server's zone would look five hours old (and overdue). */
const SERVER_TIME_ZONE = '-05:00';
const LOGIN_DEADLINE_MS = 60000;

/** Within a few seconds of now: the test machine's clock is the server's. */
const expectNow = (date: Date | string | null | undefined, slackMs = 10000) => {
  expect(date).toBeTruthy();
  const ms = new Date(date!).getTime();
  expect(Math.abs(ms - Date.now())).toBeLessThan(slackMs);
};

/**
 * Every stored time is UTC whatever the MySQL server's time zone: the pool
 * sets `time_zone = '+00:00'` on each connection, so column defaults and SQL
 * expressions (CURRENT_TIMESTAMP, NOW()) agree with the times the app writes.
 */
describe(`Times are UTC on a MySQL server whose time zone is ${SERVER_TIME_ZONE}`, () => {
  const mariadb = new PrivateMariaDb([`--default-time-zone=${SERVER_TIME_ZONE}`]);
  let stack: TestStack;

  beforeAll(async () => {
    await mariadb.start();
    stack = await TestStack.start({
      mysqlServerUrl: mariadb.serverUrl,
      env: { LOGIN_DEADLINE_MS: String(LOGIN_DEADLINE_MS) },
    });
  }, 120000);
  afterAll(async () => {
    await stack?.stop();
    await mariadb.destroy();
  });

  it('runs on a server whose own zone is not UTC, and every pooled connection speaks UTC', async () => {
    const [server] = await stack.db.query<{ zone: string }[]>('SELECT @@global.time_zone AS zone');
    expect(server.zone).toBe(SERVER_TIME_ZONE);
    // The API's and the worker's pools, and the migrations' DataSource (ormconfig.ts); several at
    // once, so more than one pooled connection answers.
    for (const db of [stack.api.get(DataSource), stack.worker!.get(DataSource), stack.db]) {
      const zones = await Promise.all(
        Array.from({ length: 4 }, () =>
          db.query<{ zone: string }[]>('SELECT @@session.time_zone AS zone, SLEEP(0.05) AS s'),
        ),
      );
      expect(zones.map(([row]) => row.zone)).toEqual(Array(4).fill('+00:00'));
      const [{ now }] = await db.query<{ now: Date }[]>('SELECT NOW(3) AS now');
      expectNow(now, 5000);
    }
  });

  it('stores a sign-in, its profile and its history in UTC', async () => {
    const browser = stack.browser();
    const started = Date.now();
    await signIn(stack, browser, alice.id);

    const user = await stack.api.get(UsersService).findByFacebookId(alice.id);
    // Column defaults (CURRENT_TIMESTAMP(3)) on insert and on update.
    expectNow(user?.createdAt);
    expectNow(user?.updatedAt);
    expect(user!.updatedAt.getTime()).toBeGreaterThanOrEqual(user!.createdAt.getTime());

    const response = await browser.get('/api/me/sign-ins');
    expect(response.status).toBe(200);
    const [latest] = response.json<{ signIns: { id: string; at: string; status: string }[] }>().signIns;
    expect(latest.status).toBe('ok');
    expectNow(latest.at);

    const operation = await stack.worker!.get(AsyncOperationsService).findByPublicId(latest.id);
    expectNow(operation?.createdAt);
    expectNow(operation?.updatedAt);
    expectNow(operation?.finishedAt);
    expect(operation!.createdAt.getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(operation!.finishedAt!.getTime()).toBeGreaterThanOrEqual(operation!.createdAt.getTime());
    expect(operation!.deadlineAt.getTime() - operation!.createdAt.getTime()).toBeGreaterThan(LOGIN_DEADLINE_MS - 5000);
    expect(operation!.deadlineAt.getTime() - operation!.createdAt.getTime()).toBeLessThan(LOGIN_DEADLINE_MS + 5000);
  });

  it('dates a data deletion in UTC, and its status page says so', async () => {
    await signIn(stack, stack.browser(), bob.id);
    const before = new Date();
    const answer = await fetch(stack.apiUrl + '/auth/facebook/data-deletion', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        signed_request: signRequest(
          { algorithm: 'HMAC-SHA256', user_id: bob.id, issued_at: Math.floor(Date.now() / 1000) },
          TEST_APP_SECRET,
        ),
      }).toString(),
    });
    expect(answer.status).toBe(200);
    const { url, confirmation_code } = (await answer.json()) as { url: string; confirmation_code: string };
    const after = new Date();

    const request = await stack.api.get(UsersService).findDeletionRequest(confirmation_code);
    expectNow(request?.completedAt);

    const page = await (await fetch(url)).text();
    const minute = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    expect([minute(before), minute(after)].some((when) => page.includes(`Completed on ${when}.`))).toBe(true);
  });

  describe('rows timed by SQL (column defaults, NOW())', () => {
    /** An attempt as SQL tooling would write it: created by the column default, due a minute from NOW(). */
    const insertPending = async (publicId: string) => {
      await stack.db.query(
        `INSERT INTO async_operation (public_id, async_operation_status_id, session_id_hash, deadline_at)
         VALUES (?, 1, REPEAT('0', 64), NOW(3) + INTERVAL 60 SECOND)`,
        [publicId],
      );
      return (await stack.worker!.get(AsyncOperationsService).findByPublicId(publicId))!;
    };

    it('the deadline sweeper ends only what is overdue in UTC', async () => {
      const operations = stack.worker!.get(AsyncOperationsService);
      const fresh = await insertPending('utc-sweep-000000000001');
      expectNow(fresh.createdAt);
      expect(fresh.deadlineAt.getTime() - Date.now()).toBeGreaterThan(50000);

      await operations.expireOverdue();
      expect((await operations.findByPublicId(fresh.publicId))?.statusId).toBe(1);

      // A minute and a bit later, it is overdue.
      await operations.expireOverdue(new Date(Date.now() + 61000));
      const ended = await operations.findByPublicId(fresh.publicId);
      expect(ended).toMatchObject({ statusId: 3, errorCode: 'timeout' });
      expectNow(ended?.finishedAt);
    });

    it('the retention pruner keeps what began an hour ago or later, in UTC', async () => {
      const fresh = await insertPending('utc-prune-000000000001');
      const history = stack.worker!.get(OperationHistoryService);

      await history.pruneCreatedBefore(new Date(Date.now() - 3600 * 1000));
      expect(await stack.worker!.get(AsyncOperationsService).findByPublicId(fresh.publicId)).not.toBeNull();

      await history.pruneCreatedBefore(new Date(Date.now() + 1000));
      expect(await stack.worker!.get(AsyncOperationsService).findByPublicId(fresh.publicId)).toBeNull();
    });
  });
});
