import { OperationHistoryService, OperationRetentionPruner } from '@app/async-operations/history';
import { signRequest } from '@app/auth/api';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import type { TestBrowser } from '../support/browser';
import {
  answerDialog,
  followCallback,
  openDialog,
  signIn,
  startLogin,
  watchUntilFinal,
  failedLogin,
} from '../support/login-flow';
import { waitFor } from '../support/built-process';
import { TEST_APP_SECRET, TestStack } from '../support/test-stack';

const [alice, bob, zoe] = DEFAULT_TEST_USERS;

interface SignInJson {
  id: string;
  at: string;
  status: 'pending' | 'ok' | 'error';
  reason?: string;
  reasonMessage?: string;
  userAgent: string | null;
  clientIp: string | null;
}

describe('Sign-in history: GET /api/me/sign-ins, and pruning past OPERATION_RETENTION_DAYS', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { OPERATION_RETENTION_DAYS: '30' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(async () => {
    await stack.emulatorKnob('POST', '/reset');
  });

  const history = async (browser: TestBrowser) => {
    const response = await browser.get('/api/me/sign-ins');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return response.json<{ signIns: SignInJson[] }>().signIns;
  };

  /** One attempt that Facebook answers with garbage: it ends as error/provider_bad_response. */
  const failedAttempt = async (browser: TestBrowser, userId: string) => {
    const { final } = await failedLogin(stack, browser, userId);
    expect(final?.status).toBe('error');
    return { id: final!.id };
  };

  it('answers 401 when signed out', async () => {
    expect((await stack.browser().get('/api/me/sign-ins')).status).toBe(401);
  });

  it("shows a person their ok and failed attempts, newest first, and nobody else's", async () => {
    // Alice fails once, then signs in from the same browser: the failure is hers, and her
    // history says so as soon as the ok arrives (the worker claimed it before announcing).
    const aliceBrowser = stack.browser();
    const failure = await failedAttempt(aliceBrowser, alice.id);
    await startLogin(stack, aliceBrowser, alice.id);
    const { final } = await watchUntilFinal(aliceBrowser);
    expect(final).toMatchObject({ status: 'ok', user: { firstName: 'Alice' } });
    expect((await history(aliceBrowser)).map((s) => [s.id, s.status])).toEqual([
      [final!.id, 'ok'],
      [failure.id, 'error'],
    ]);

    // Bob signs in elsewhere; a third browser fails and never signs in: that attempt is nobody's.
    const bobBrowser = stack.browser();
    await signIn(stack, bobBrowser, bob.id);
    const stranger = await failedAttempt(stack.browser(), zoe.id);

    const alices = await history(aliceBrowser);
    expect(alices.map((s) => s.status)).toEqual(['ok', 'error']);
    expect(alices[1]).toMatchObject({
      id: failure.id,
      status: 'error',
      reason: 'provider_bad_response',
      reasonMessage: expect.any(String),
      userAgent: 'node',
      clientIp: expect.stringMatching(/127\.0\.0\.1$/),
    });
    expect(Date.parse(alices[0].at)).toBeGreaterThanOrEqual(Date.parse(alices[1].at));
    expect(alices[0].reason).toBeUndefined();

    const bobs = await history(bobBrowser);
    expect(bobs).toEqual([expect.objectContaining({ status: 'ok' })]);
    const everyoneShown = [...alices, ...bobs].map((s) => s.id);
    expect(everyoneShown).not.toContain(stranger.id);
  });

  it('links a failure that comes after a success that never signed the browser in to that person', async () => {
    // An ok now signs the browser in at once, so "ok but not signed in" takes a second tab: it starts
    // another attempt while the first is still at Facebook (its token call held until then), and the
    // session the first one would sign in dies.
    await stack.holdNext('token');
    const browser = stack.browser();
    await startLogin(stack, browser, zoe.id);
    const first = (await browser.get('/api/auth/operation')).json<{ id: string }>().id;
    const secondTab = await openDialog(browser);
    await stack.releaseHeld();
    const firstStatus = async () =>
      (
        await stack.db.query<{ s: number }[]>(
          'SELECT async_operation_status_id AS s FROM async_operation WHERE public_id = ?',
          [first],
        )
      )[0].s;
    await waitFor('the first attempt to end', async () => (await firstStatus()) !== 1);
    expect(await firstStatus()).toBe(2); // ok, and it signed nobody in
    expect((await browser.get('/api/me')).status).toBe(401);
    await stack.emulatorKnob('POST', '/reset');

    // The second tab's attempt fails; then the person signs in from this browser.
    await stack.emulatorKnob('POST', '/faults', { endpoint: 'token', kind: 'malformed', times: 1 });
    await followCallback(browser, await answerDialog(stack, secondTab, { userId: zoe.id }));
    const later = (await watchUntilFinal(browser)).final!;
    expect(later).toMatchObject({ status: 'error', error: { code: 'provider_bad_response' } });
    await startLogin(stack, browser, zoe.id);
    const { final } = await watchUntilFinal(browser);
    expect(final).toMatchObject({ status: 'ok', user: { firstName: zoe.first_name } });

    // Whole right after the ok: the failure in between is hers, along with both successes.
    const zoes = await history(browser);
    expect(zoes.map((s) => [s.id, s.status])).toEqual([
      [final!.id, 'ok'],
      [later.id, 'error'],
      [first, 'ok'],
    ]);
  });

  it('keeps the user agent as sent, cut to 512 characters', async () => {
    const browser = stack.browser();
    const callback = await answerDialog(stack, await openDialog(browser), {
      userId: alice.id,
    });
    const userAgent = `Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0 ${'x'.repeat(600)}`;
    await browser.get(callback.pathname + callback.search, {
      'user-agent': `  ${userAgent}  `,
    });
    const { final } = await watchUntilFinal(browser);
    expect(final).toMatchObject({ status: 'ok', user: { firstName: 'Alice' } });

    // Signed in by the ok itself: the history is there to read.
    const [latest] = await history(browser);
    expect(latest.id).toBe(final!.id);
    expect(latest.userAgent).toBe(userAgent.slice(0, 512));
  });

  it('shows at most the last 10', async () => {
    const browser = stack.browser();
    for (let i = 0; i < 11; i++) {
      if (i) await browser.post('/api/auth/logout');
      await signIn(stack, browser, bob.id);
    }
    const bobs = await history(browser);
    expect(bobs).toHaveLength(10);
  });

  it('deletes the linked failures with the profile on a data deletion request', async () => {
    const browser = stack.browser();
    const failure = await failedAttempt(browser, alice.id);
    await signIn(stack, browser, alice.id);
    const signed = signRequest(
      {
        algorithm: 'HMAC-SHA256',
        user_id: alice.id,
        issued_at: Math.floor(Date.now() / 1000),
      },
      TEST_APP_SECRET,
    );
    const deletion = await fetch(stack.apiUrl + '/auth/facebook/data-deletion', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ signed_request: signed }).toString(),
    });
    expect(deletion.status).toBe(200);
    expect(await stack.db.query('SELECT id FROM async_operation WHERE public_id = ?', [failure.id])).toHaveLength(0);
  });

  describe('pruning', () => {
    const insert = (publicId: string, daysAgo: number) =>
      stack.db.query(
        `INSERT INTO async_operation (public_id, async_operation_status_id, session_id_hash, deadline_at, created_at)
         VALUES (?, 3, REPEAT('0', 64), NOW(3), NOW(3) - INTERVAL ? DAY)`,
        [publicId, daysAgo],
      );
    const exists = async (publicId: string) =>
      (await stack.db.query('SELECT id FROM async_operation WHERE public_id = ?', [publicId])).length === 1;

    it('deletes attempts older than the retention period and keeps the rest', async () => {
      await insert('prune-old-000000000001', 31);
      await insert('prune-old-000000000002', 400);
      await insert('prune-keep-00000000001', 29);
      await insert('prune-keep-00000000002', 0);

      const deleted = await stack.worker!.get(OperationRetentionPruner).prune();

      expect(deleted).toBeGreaterThanOrEqual(2);
      expect(await exists('prune-old-000000000001')).toBe(false);
      expect(await exists('prune-old-000000000002')).toBe(false);
      expect(await exists('prune-keep-00000000001')).toBe(true);
      expect(await exists('prune-keep-00000000002')).toBe(true);
    });

    it('deletes in batches until none is left', async () => {
      const ids = Array.from({ length: 7 }, (_, i) => `prune-batch-${String(i).padStart(10, '0')}`);
      for (const id of ids) await insert(id, 100);
      const history = stack.worker!.get(OperationHistoryService);
      const deleted = await history.pruneCreatedBefore(new Date(Date.now() - 50 * 24 * 3600 * 1000), 3);
      expect(deleted).toBe(7);
      for (const id of ids) expect(await exists(id)).toBe(false);
    });
  });
});
