import { createHash } from 'node:crypto';
import type { Queue } from 'bull';
import { getQueueToken } from '@nestjs/bull';
import { EXCHANGE_QUEUE } from '@app/auth';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import {
  answerDialog,
  followCallback,
  openDialog,
  signIn,
  startLogin,
  watchFromOpen,
  watchUntilFinal,
} from './support/login-flow';
import { TEST_APP_ID, TestStack } from './support/test-stack';

const [alice, bob, zoe] = DEFAULT_TEST_USERS;

describe('Log in with Facebook, end to end (emulator, MariaDB, Redis, Bull, SSE)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(async () => {
    await stack.settle();
  });

  const rows = async (table: string, where = '1=1', params: unknown[] = []) =>
    stack.db.query<Record<string, unknown>[]>(`SELECT * FROM \`${table}\` WHERE ${where}`, params);
  const queue = () => stack.api.get<Queue>(getQueueToken(EXCHANGE_QUEUE));

  it('signs a person in: dialog → callback → live status, whose ok means signed in', async () => {
    const browser = stack.browser();

    const dialog = await openDialog(browser);
    expect(dialog.origin + dialog.pathname).toBe(`${stack.facebookBase}/dialog/oauth`);
    const params = Object.fromEntries(dialog.searchParams);
    expect(params).toMatchObject({
      client_id: TEST_APP_ID,
      redirect_uri: `${stack.apiUrl}/auth/facebook/callback`,
      response_type: 'code',
      scope: 'email',
      code_challenge_method: 'S256',
    });
    expect(Buffer.from(params.state, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const callback = await answerDialog(stack, dialog, { userId: alice.id });
    expect(callback.searchParams.get('state')).toBe(params.state);
    const before = (await stack.emulatorKnob('GET', '/stats')) as { tokenCalls: number };

    const preLoginCookie = browser.cookie('afl.sid');
    const answer = await followCallback(browser, callback);
    expect(answer.status).toBe(302);
    expect(answer.location).toBe('/login/pending?provider=facebook');
    // The callback renews the session id: the pre-login one dies there.
    expect(browser.cookie('afl.sid')).not.toBe(preLoginCookie);

    const { final, statuses, ended } = await watchUntilFinal(browser);
    const signedInAlice = {
      id: expect.any(String),
      firstName: 'Alice',
      lastName: 'Liddell',
      email: 'alice@example.com',
      declined: [],
      pictureUrl: stack.pictureOf(alice.id),
    };
    expect(final).toEqual({ id: expect.any(String), status: 'ok', user: signedInAlice, returnTo: '/' });
    expect(statuses.every((s) => s.id === final!.id)).toBe(true);
    expect(ended).toBe(true);

    const stats = (await stack.emulatorKnob('GET', '/stats')) as {
      tokenCalls: number;
      successfulExchanges: number;
    };
    expect(stats.tokenCalls - before.tokenCalls).toBe(1);

    const operation = await browser.get('/api/auth/operation');
    expect(operation.status).toBe(200);
    expect(operation.json()).toEqual({ id: final!.id, status: 'ok', user: final!.user, returnTo: '/' });

    // Signed in on the server before the ok was announced: no further request was needed.
    const me = await browser.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.json()).toEqual({ ...final!.user, providers: ['facebook'] });

    // The pre-login session id is dead.
    const stale = stack.browser();
    stale.setCookie('afl.sid', preLoginCookie!);
    expect((await stale.get('/api/me')).status).toBe(401);
    expect((await stale.get('/api/auth/operation')).status).toBe(404);

    const [row] = await rows('async_operation', 'public_id = ?', [final!.id]);
    expect(row).toMatchObject({ async_operation_status_id: 2, attempts: 1, error_code: null });
    expect(row.user_profile_id).not.toBeNull();
    expect(row.finished_at).toBeInstanceOf(Date);

    // Signed in: the dialog is skipped.
    const again = await browser.get('/auth/facebook');
    expect(again.status).toBe(302);
    expect(again.location).toBe('/');

    const logout = await browser.post('/api/auth/logout');
    expect(logout.status).toBe(204);
    expect((await browser.get('/api/me')).status).toBe(401);
  });

  it('answers the callback before Facebook has answered anything, and records a pending operation', async () => {
    // The worker's token call is held unanswered: whatever the callback answers, it answered without it.
    await stack.holdNext('token');
    const browser = stack.browser();
    const dialog = await openDialog(browser);
    const callback = await answerDialog(stack, dialog, { userId: alice.id });
    const before = (await stack.emulatorKnob('GET', '/stats')) as { tokenCalls: number; successfulExchanges: number };

    // A callback that waited for Facebook would wait for the held call: it fails here, at once, instead.
    const answer = await browser.request(callback.pathname + callback.search, { signal: AbortSignal.timeout(5000) });
    expect(answer.location).toBe('/login/pending?provider=facebook');
    const after = (await stack.emulatorKnob('GET', '/stats')) as { tokenCalls: number; successfulExchanges: number };
    // At most the worker's own token call has arrived, and it is still unanswered.
    expect(after.tokenCalls - before.tokenCalls).toBeLessThanOrEqual(1);
    expect(after.successfulExchanges).toBe(before.successfulExchanges);

    const operation = await browser.get('/api/auth/operation');
    expect(operation.json()).toEqual({ id: expect.any(String), status: 'pending' });
    // Not signed in until the worker has ended the attempt ok.
    expect((await browser.get('/api/me')).status).toBe(401);

    const { opened, watching } = watchFromOpen(browser);
    expect(await opened).toEqual({ id: operation.json<{ id: string }>().id, status: 'pending' });
    await stack.releaseHeld();
    const { final } = await watching;
    expect(final).toMatchObject({ status: 'ok', user: { firstName: 'Alice' } });
    expect((await browser.get('/api/me')).status).toBe(200);
  });

  it('sends a cancelled dialog to the error page, with no job and no operation', async () => {
    const browser = stack.browser();
    const [{ count: before }] = await rows('async_operation').then((r) => [{ count: r.length }]);
    const dialog = await openDialog(browser);
    const callback = await answerDialog(stack, dialog, 'cancel');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_reason')).toBe('user_denied');

    const answer = await followCallback(browser, callback);
    expect(answer.status).toBe(302);
    expect(answer.location).toBe('/login/error?reason=access_denied&provider=facebook');
    expect(await rows('async_operation')).toHaveLength(before);
    expect(await queue().getJobCounts()).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
    expect((await browser.get('/api/auth/operation')).status).toBe(404);
  });

  it('refuses a callback with a missing or wrong state: no operation, no job', async () => {
    const browser = stack.browser();
    const before = (await rows('async_operation')).length;
    const dialog = await openDialog(browser);
    const callback = await answerDialog(stack, dialog, { userId: alice.id });

    const noState = new URL(callback);
    noState.searchParams.delete('state');
    expect((await followCallback(browser, noState)).location).toBe(
      '/login/error?reason=invalid_state&provider=facebook',
    );

    const wrongState = new URL(callback);
    wrongState.searchParams.set('state', 'A'.repeat(43));
    expect((await followCallback(browser, wrongState)).location).toBe(
      '/login/error?reason=invalid_state&provider=facebook',
    );

    // Another browser cannot use this one's state.
    const stranger = stack.browser();
    await openDialog(stranger);
    expect((await followCallback(stranger, callback)).location).toBe(
      '/login/error?reason=invalid_state&provider=facebook',
    );

    expect(await rows('async_operation')).toHaveLength(before);

    // The real callback still works, once.
    expect((await followCallback(browser, callback)).location).toBe('/login/pending?provider=facebook');
    expect((await followCallback(browser, callback)).location).toBe(
      '/login/error?reason=invalid_state&provider=facebook',
    );
    expect((await watchUntilFinal(browser)).final?.status).toBe('ok');
  });

  it('stores a user without e-mail, and a 300-character name with emoji whole', async () => {
    const bobView = await signIn(stack, stack.browser(), bob.id);
    // Granted but the account has none: nothing declined, nothing to ask again.
    expect(bobView).toMatchObject({ firstName: bob.first_name, email: null, declined: [] });

    const zoeView = await signIn(stack, stack.browser(), zoe.id);
    expect(zoeView.firstName).toBe(zoe.first_name);
    const [row] = await rows('user_profile', 'facebook_id = ?', [zoe.id]);
    expect(row.first_name).toBe(zoe.first_name);
    expect(row.last_name).toBe(zoe.last_name);
    expect((row.last_name as string).length).toBeGreaterThanOrEqual(300);
  });

  it('keeps one row when the same person signs in twice, and follows their new data', async () => {
    const first = await signIn(stack, stack.browser(), alice.id);
    await stack.emulatorKnob('PUT', `/users/${alice.id}`, {
      first_name: 'Alicia',
      last_name: alice.last_name,
      email: 'alicia@example.com',
    });
    const second = await signIn(stack, stack.browser(), alice.id);
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ firstName: 'Alicia', email: 'alicia@example.com' });
    expect(await rows('user_profile', 'facebook_id = ?', [alice.id])).toHaveLength(1);
    await stack.emulatorKnob('PUT', `/users/${alice.id}`, {
      first_name: alice.first_name,
      last_name: alice.last_name,
      email: alice.email,
    });
  });

  it('keeps one row when two first logins of one person race, and both end ok', async () => {
    const newcomer = { id: '10000000000000099', first_name: 'Racer', last_name: 'Twice', email: 'racer@example.com' };
    const { id: _id, ...data } = newcomer;
    await stack.emulatorKnob('PUT', `/users/${newcomer.id}`, data);
    const [a, b] = [stack.browser(), stack.browser()];
    const results = await Promise.all([signIn(stack, a, newcomer.id), signIn(stack, b, newcomer.id)]);
    expect(results[0].id).toBe(results[1].id);
    expect(await rows('user_profile', 'facebook_id = ?', [newcomer.id])).toHaveLength(1);
  });

  it('retries when Facebook fails twice, then signs the person in', async () => {
    await stack.emulatorKnob('POST', '/faults', { endpoint: 'token', kind: 'status', status: 503, times: 1 });
    await stack.emulatorKnob('POST', '/faults', { endpoint: 'me', kind: 'status', status: 500, times: 1 });
    const browser = stack.browser();
    await startLogin(stack, browser, alice.id);
    const { final } = await watchUntilFinal(browser);
    expect(final?.status).toBe('ok');
    const [row] = await rows('async_operation', 'public_id = ?', [final!.id]);
    expect(row.attempts).toBe(3);
    // The /me failure came after the exchange: the retry resumed, it did not spend the code again.
    const stats = (await stack.emulatorKnob('GET', '/stats')) as { successfulExchanges: number; meCalls: number };
    expect(stats.successfulExchanges).toBe(1);
    expect(stats.meCalls).toBe(2);
  });

  it('ends as error at once, without retrying, when Facebook rejects the code', async () => {
    const browser = stack.browser();
    const dialog = await openDialog(browser);
    const callback = await answerDialog(stack, dialog, { userId: alice.id });
    // Someone spends the code first (a leaked URL, without our PKCE verifier): it is now used,
    // so Facebook will refuse the worker's exchange.
    const code = callback.searchParams.get('code')!;
    const spend = await fetch(`${stack.facebookBase}/oauth/access_token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: TEST_APP_ID,
        client_secret: stack.env.FACEBOOK_APP_SECRET,
        redirect_uri: dialog.searchParams.get('redirect_uri')!,
        code,
      }),
    });
    expect(spend.status).toBe(400);
    const before = (await stack.emulatorKnob('GET', '/stats')) as { exchangesByCode: Record<string, number> };
    const codeKey = createHash('sha256').update(code).digest('hex');

    expect((await followCallback(browser, callback)).location).toBe('/login/pending?provider=facebook');
    const { final } = await watchUntilFinal(browser);
    expect(final).toEqual({
      id: expect.any(String),
      status: 'error',
      error: { code: 'code_rejected', message: expect.any(String) },
    });
    const [row] = await rows('async_operation', 'public_id = ?', [final!.id]);
    expect(row.attempts).toBe(1);
    const after = (await stack.emulatorKnob('GET', '/stats')) as { exchangesByCode: Record<string, number> };
    expect(after.exchangesByCode[codeKey] - (before.exchangesByCode[codeKey] ?? 0)).toBe(1);
    // A failed attempt signs nobody in.
    expect((await browser.get('/api/me')).status).toBe(401);
  });

  it('gives a stream opened after the end the final status at once, and 204 to a reconnect', async () => {
    const browser = stack.browser();
    await signInAndWatch(browser);
    const late = await watchUntilFinal(browser, 5000);
    // Answered from the session its attempt signed in: the ok still says who is signed in and where to go.
    const ok = {
      id: expect.any(String),
      status: 'ok',
      user: expect.objectContaining({ firstName: 'Alice' }),
      returnTo: '/',
    };
    expect(late.statuses).toEqual([ok]);
    expect(late.ended).toBe(true);
    expect(late.messages[0].id).toBe('ok');
    // The poll says the same.
    const poll = await browser.get('/api/auth/operation');
    expect(poll.status).toBe(200);
    expect(poll.json()).toEqual(ok);

    const reconnect = await browser.events('/api/auth/operation/events', { headers: { 'last-event-id': 'ok' } });
    expect(reconnect.status).toBe(204);
  });

  it('lets one attempt hold a few streams per API process, and answers 429 past that', async () => {
    // The token call is held: the attempt, and each stream of it, stays open until the test lets go.
    await stack.holdNext('token');
    const browser = stack.browser();
    await startLogin(stack, browser, alice.id);
    // STREAMS_PER_ATTEMPT_MAX's default.
    const open = Array.from({ length: 8 }, () => watchFromOpen(browser));
    await Promise.all(open.map(({ opened }) => opened));
    const refused = await browser.events('/api/auth/operation/events', { timeoutMs: 2000 });
    expect(refused.status).toBe(429);

    await stack.releaseHeld();
    const streams = await Promise.all(open.map(({ watching }) => watching));
    expect(streams.map((stream) => stream.status)).toEqual(streams.map(() => 200));
    expect(streams.map((stream) => stream.final?.status)).toEqual(streams.map(() => 'ok'));
  });

  it('answers 404 to status routes when there is no sign-in', async () => {
    const browser = stack.browser();
    const operation = await browser.get('/api/auth/operation');
    expect(operation.status).toBe(404);
    expect(operation.json()).toMatchObject({ statusCode: 404, message: expect.any(String) });
    expect((await browser.events('/api/auth/operation/events')).status).toBe(404);
    // The route of the old contract is gone; a cached SPA that still calls it takes 404 as "go home".
    expect((await browser.post('/api/auth/complete')).status).toBe(404);
    expect((await browser.get('/api/me')).status).toBe(401);
  });

  async function signInAndWatch(browser: ReturnType<TestStack['browser']>) {
    await startLogin(stack, browser, alice.id);
    const { final } = await watchUntilFinal(browser);
    expect(final?.status).toBe('ok');
  }
});
