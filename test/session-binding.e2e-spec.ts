import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { databaseIdentity } from '@app/database';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import type { TestBrowser } from './support/browser';
import {
  answerDialog,
  followCallback,
  openDialog,
  signIn,
  startLogin,
  watchFromOpen,
  watchUntilFinal,
} from './support/login-flow';
import { waitFor } from './support/built-process';
import { TestStack } from './support/test-stack';

const [alice, bob] = DEFAULT_TEST_USERS;

/**
 * A sign-in belongs to the browser that made it: a new session id before the
 * state is stored (no session fixation), another at the callback (the
 * pre-login id dies there), and one signed-in session per successful attempt
 * (no second session riding the same operation).
 */
describe('Sessions: a fresh id at /auth/facebook and at the callback, and one sign-in per operation', () => {
  let stack: TestStack;
  let redis: Redis;

  beforeAll(async () => {
    stack = await TestStack.start();
    redis = new Redis(stack.env.REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  /** The express-session id inside a signed `s:<id>.<sig>` cookie. */
  const sessionIdOf = (browser: TestBrowser) => /^s:([^.]+)\./.exec(decodeURIComponent(browser.cookie('afl.sid')!))![1];
  const sessionKey = (browser: TestBrowser) => `${stack.ns.redisPrefix}:sess:${sessionIdOf(browser)}`;
  const userIdOf = async (facebookId: string) =>
    (await stack.db.query<{ id: number }[]>('SELECT id FROM user_profile WHERE facebook_id = ?', [facebookId]))[0].id;
  const signedInSessions = async (facebookId: string) =>
    redis.scard(
      `${stack.ns.redisPrefix}:user-sessions:${databaseIdentity(stack.ns.databaseUrl)}:${await userIdOf(facebookId)}`,
    );

  describe('GET /auth/facebook', () => {
    it('gives the browser a new session id before it stores the state, so a planted cookie cannot ride the sign-in', async () => {
      // The attacker gets a real session of ours and plants its cookie in the victim's browser.
      const attacker = stack.browser();
      await openDialog(attacker);
      const planted = attacker.cookie('afl.sid')!;
      const plantedKey = sessionKey(attacker);
      expect(await redis.exists(plantedKey)).toBe(1);
      const victim = stack.browser();
      victim.setCookie('afl.sid', planted);

      const dialog = await openDialog(victim);
      expect(victim.cookie('afl.sid')).not.toBe(planted);
      // The id the browser had before no longer exists, and the state lives in the new session only.
      expect(await redis.exists(plantedKey)).toBe(0);
      const stored = JSON.parse((await redis.get(sessionKey(victim)))!) as { authorization?: { state: string } };
      expect(stored.authorization?.state).toBe(dialog.searchParams.get('state'));

      const callback = await answerDialog(stack, dialog, { userId: alice.id });
      // The planted id cannot use the victim's callback…
      expect((await followCallback(attacker, callback)).location).toBe(
        '/login/error?reason=invalid_state&provider=facebook',
      );
      expect((await followCallback(victim, callback)).location).toBe('/login/pending?provider=facebook');
      const { final } = await watchUntilFinal(victim);
      // The ok means the victim's own session is signed in…
      expect(final).toMatchObject({ status: 'ok', user: { firstName: 'Alice' } });
      expect((await victim.get('/api/me')).json()).toEqual({ ...final!.user, providers: ['facebook'] });
      // …and the planted id can neither see the sign-in nor ride it.
      expect((await attacker.get('/api/auth/operation')).status).toBe(404);
      expect((await attacker.events('/api/auth/operation/events')).status).toBe(404);
      expect((await attacker.get('/api/me')).status).toBe(401);
      expect(await redis.exists(plantedKey)).toBe(0);
    });

    it('gives each attempt of one browser its own session id, and keeps returnTo', async () => {
      const browser = stack.browser();
      await openDialog(browser);
      const first = sessionIdOf(browser);
      const start = await browser.get(`/auth/facebook?returnTo=${encodeURIComponent('/settings?tab=1')}`);
      expect(start.status).toBe(302);
      const second = sessionIdOf(browser);
      expect(second).not.toBe(first);
      const callback = await answerDialog(stack, new URL(start.location!), { userId: alice.id });
      await followCallback(browser, callback);
      // The callback's new id keeps returnTo: the ok, and the operation once ok, say where to go.
      expect(sessionIdOf(browser)).not.toBe(second);
      const { final } = await watchUntilFinal(browser);
      expect(final).toMatchObject({ status: 'ok', user: { firstName: 'Alice' }, returnTo: '/settings?tab=1' });
      expect((await browser.get('/api/auth/operation')).json()).toMatchObject({
        status: 'ok',
        returnTo: '/settings?tab=1',
      });
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    it('sends a signed-in browser home and leaves its session alone', async () => {
      const browser = stack.browser();
      await signIn(stack, browser, alice.id);
      const cookie = browser.cookie('afl.sid');
      const again = await browser.get('/auth/facebook');
      expect(again.status).toBe(302);
      expect(again.location).toBe('/');
      expect(sessionIdOf(browser)).toBe(/^s:([^.]+)\./.exec(decodeURIComponent(cookie!))![1]);
      expect((await browser.get('/api/me')).status).toBe(200);
    });
  });

  /**
   * The worker signs in the session the callback issued, with one Redis
   * script, before it announces ok; the API's fallback (GET
   * /api/auth/operation, the stream) runs the same script only for the
   * session that owns the operation. So copies of the post-callback cookie
   * are that one session (fine), and no other session (a copy of the
   * pre-login cookie, a planted one, the browser's next session, a
   * stranger) can be signed in by that operation.
   */
  describe('one ok operation signs in exactly one session', () => {
    /** The operation id of a login that has reached the callback. */
    const operationIdOf = async (browser: TestBrowser) =>
      (await browser.get('/api/auth/operation')).json<{ id: string }>().id;
    const userSessionsKey = async (facebookId: string) =>
      `${stack.ns.redisPrefix}:user-sessions:${databaseIdentity(stack.ns.databaseUrl)}:${await userIdOf(facebookId)}`;
    /** Whether logout-everywhere / deauthorize / data deletion would end this session: it is recorded as signed in. */
    const recordedAsSignedIn = async (facebookId: string, sessionId: string) =>
      (await redis.sismember(await userSessionsKey(facebookId), sessionId)) === 1;
    const storedSession = async (key: string) => JSON.parse((await redis.get(key))!) as Record<string, unknown>;

    it('never signs in a copy of the pre-login session, even one made to point at the operation', async () => {
      const browser = stack.browser();
      const dialog = await openDialog(browser);
      const callback = await answerDialog(stack, dialog, { userId: bob.id });
      // A second holder of the session GET /auth/facebook issued (a copied cookie), taken before the callback.
      const copy = browser.clone();
      const copyCookie = copy.cookie('afl.sid');
      const preLoginId = sessionIdOf(browser);
      const preLoginKey = sessionKey(browser);
      const preLogin = await storedSession(preLoginKey);

      expect((await followCallback(browser, callback)).location).toBe('/login/pending?provider=facebook');
      // The pre-login id died at the callback; bring it back, naming the operation, as if it had survived.
      expect(await redis.exists(preLoginKey)).toBe(0);
      const operationId = await operationIdOf(browser);
      await redis.set(preLoginKey, JSON.stringify({ ...preLogin, asyncOperationId: operationId }), 'PX', 60000);

      const { final } = await watchUntilFinal(browser);
      expect(final).toMatchObject({ id: operationId, status: 'ok', user: { firstName: 'Bob' } });
      const sessions = await signedInSessions(bob.id);
      expect(await recordedAsSignedIn(bob.id, sessionIdOf(browser))).toBe(true);

      // The copy owns nothing (the operation belongs to the id the callback issued) and is nobody.
      expect((await copy.get('/api/auth/operation')).status).toBe(404);
      expect((await copy.events('/api/auth/operation/events')).status).toBe(404);
      expect((await copy.get('/api/me')).status).toBe(401);
      expect(await storedSession(preLoginKey)).not.toHaveProperty('passport');
      expect(await recordedAsSignedIn(bob.id, preLoginId)).toBe(false);
      // Nothing changed: no new id handed out (the rolling idle timeout may re-send the same cookie),
      // no second signed-in session.
      expect(copy.cookie('afl.sid')).toBe(copyCookie);
      expect(await signedInSessions(bob.id)).toBe(sessions);
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    it('never signs in a stranger whose session is made to point at an operation that is not its own', async () => {
      const browser = stack.browser();
      await startLogin(stack, browser, bob.id);
      const operationId = await operationIdOf(browser);

      // A stranger with a session of its own, made to point at the same operation while it is pending…
      const stranger = stack.browser();
      await openDialog(stranger);
      const strangerKey = sessionKey(stranger);
      await redis.set(
        strangerKey,
        JSON.stringify({ ...(await storedSession(strangerKey)), asyncOperationId: operationId }),
        'KEEPTTL',
      );
      expect((await stranger.get('/api/auth/operation')).status).toBe(404);

      const { final } = await watchUntilFinal(browser);
      expect(final).toMatchObject({ status: 'ok', user: { firstName: 'Bob' } });
      const sessions = await signedInSessions(bob.id);

      // …cannot reach the sign-in, before or after the ok: it does not own the operation.
      expect((await stranger.get('/api/auth/operation')).status).toBe(404);
      expect((await stranger.events('/api/auth/operation/events')).status).toBe(404);
      expect((await stranger.get('/api/me')).status).toBe(401);
      expect(await storedSession(strangerKey)).not.toHaveProperty('passport');
      expect(await recordedAsSignedIn(bob.id, sessionIdOf(stranger))).toBe(false);
      expect(await signedInSessions(bob.id)).toBe(sessions);
      // The one it did sign in is unaffected.
      expect(await recordedAsSignedIn(bob.id, sessionIdOf(browser))).toBe(true);
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    it("signs nobody in when the operation's session has moved on (a second tab started over before the ok)", async () => {
      // The token call is held until the browser has started over: the ok comes after, however slow the machine.
      await stack.holdNext('token');
      try {
        const browser = stack.browser();
        await startLogin(stack, browser, bob.id);
        const operationId = await operationIdOf(browser);
        const calledBack = sessionIdOf(browser);
        const before = await signedInSessions(bob.id);
        // The same browser starts another attempt: its session id changes again, and the one the callback issued dies.
        await openDialog(browser);
        const next = sessionIdOf(browser);
        expect(next).not.toBe(calledBack);

        await stack.releaseHeld();
        const status = async () =>
          (
            await stack.db.query<{ s: number }[]>(
              'SELECT async_operation_status_id AS s FROM async_operation WHERE public_id = ?',
              [operationId],
            )
          )[0].s;
        await waitFor('the operation to end', async () => (await status()) !== 1);
        expect(await status()).toBe(2); // ok…
        // …and signed in no session: neither the dead one nor the browser's next one.
        expect((await browser.get('/api/me')).status).toBe(401);
        expect((await browser.get('/api/auth/operation')).status).toBe(404);
        expect(await storedSession(sessionKey(browser))).not.toHaveProperty('passport');
        expect(await recordedAsSignedIn(bob.id, calledBack)).toBe(false);
        expect(await recordedAsSignedIn(bob.id, next)).toBe(false);
        expect(await signedInSessions(bob.id)).toBe(before);
      } finally {
        await stack.settle();
      }
    });

    it('signs in, once, the one session that many copies of the post-callback cookie share', async () => {
      // The token call is held until every copy watches and has polled once: all of them see the sign-in come.
      await stack.holdNext('token');
      try {
        const browser = stack.browser();
        await startLogin(stack, browser, bob.id);
        const operationId = await operationIdOf(browser);
        const before = await signedInSessions(bob.id);
        // Copies of the cookie the callback set are the same session: racing streams and polls,
        // opened while the worker is still at work, all end with the same sign-in.
        const copies = Array.from({ length: 6 }, () => browser.clone());
        const watches = copies.map((copy) => watchFromOpen(copy));
        for (const { opened } of watches) expect(await opened).toEqual({ id: operationId, status: 'pending' });
        const firstPolls = await Promise.all(
          copies.map(async (copy) => (await copy.get('/api/auth/operation')).json()),
        );
        expect(firstPolls).toEqual(copies.map(() => ({ id: operationId, status: 'pending' })));

        await stack.releaseHeld();
        const [streams, polls] = await Promise.all([
          Promise.all(watches.map(({ watching }) => watching)),
          Promise.all(
            copies.map(async (copy) => {
              let answer = (await copy.get('/api/auth/operation')).json<{ status: string }>();
              while (answer.status === 'pending') {
                await sleep(20);
                answer = (await copy.get('/api/auth/operation')).json<{ status: string }>();
              }
              return answer;
            }),
          ),
        ]);
        const user = streams[0].final?.user;
        expect(user).toMatchObject({ firstName: 'Bob' });
        for (const { final } of streams) expect(final).toEqual({ id: operationId, status: 'ok', user, returnTo: '/' });
        for (const poll of polls) expect(poll).toEqual({ id: operationId, status: 'ok', user, returnTo: '/' });

        expect(await signedInSessions(bob.id)).toBe(before + 1);
        expect(await recordedAsSignedIn(bob.id, sessionIdOf(browser))).toBe(true);
        const signedIn = await Promise.all(
          [browser, ...copies].map(async (copy) => (await copy.get('/api/me')).status),
        );
        expect(signedIn).toEqual(Array(copies.length + 1).fill(200));
      } finally {
        await stack.settle();
      }
    });

    it('signs in the session on GET /api/auth/operation when the worker could not, and still only that one', async () => {
      const browser = stack.browser();
      await startLogin(stack, browser, bob.id);
      const operationId = await operationIdOf(browser);
      const { final } = await watchUntilFinal(browser);
      expect(final?.status).toBe('ok');
      // As if Redis had failed the worker's sign-in: the session is as the callback left it.
      const key = sessionKey(browser);
      const stored = await storedSession(key);
      delete stored.passport;
      delete stored.signedInBy; // the script's own mark, where it keeps one
      await redis.set(key, JSON.stringify(stored), 'KEEPTTL');
      await redis.srem(await userSessionsKey(bob.id), sessionIdOf(browser));
      const before = await signedInSessions(bob.id);
      expect((await browser.get('/api/me')).status).toBe(401);

      // Six copies of the session race to read the ok: whichever script call comes first signs it in,
      // and all of them, being the same session, see it signed in.
      const copies = Array.from({ length: 6 }, () => browser.clone());
      const answers = await Promise.all(copies.map((copy) => copy.get('/api/auth/operation')));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.json()).toEqual({ id: operationId, status: 'ok', user: final!.user, returnTo: '/' });
      }
      expect(await signedInSessions(bob.id)).toBe(before + 1);
      expect(await recordedAsSignedIn(bob.id, sessionIdOf(browser))).toBe(true);
      expect((await browser.get('/api/me')).json()).toEqual({ ...final!.user, providers: ['facebook'] });
    });

    it('answers a signed-in session that reads its ok again (a replay, a second tab) with the same sign-in, changing nothing', async () => {
      const browser = stack.browser();
      const user = await signIn(stack, browser, alice.id);
      const cookie = browser.cookie('afl.sid');
      const sessions = await signedInSessions(alice.id);
      const secondTab = browser.clone();

      const again = await secondTab.get('/api/auth/operation');
      expect(again.status).toBe(200);
      expect(again.json()).toMatchObject({ status: 'ok', user, returnTo: '/' });
      // A stream reopened after the end gets the final status at once; EventSource's reconnect gets 204.
      expect((await watchUntilFinal(secondTab, 5000)).final).toMatchObject({ status: 'ok', user });
      expect(
        (await secondTab.events('/api/auth/operation/events', { headers: { 'last-event-id': 'ok' } })).status,
      ).toBe(204);

      expect(browser.cookie('afl.sid')).toBe(cookie);
      expect(secondTab.cookie('afl.sid')).toBe(cookie);
      expect(await signedInSessions(alice.id)).toBe(sessions);
      expect((await browser.get('/api/me')).json()).toEqual({ ...user, providers: ['facebook'] });
    });
  });
});
