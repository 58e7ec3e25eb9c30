import Redis from 'ioredis';
import { databaseIdentity } from '@app/database';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import type { TestBrowser } from './support/browser';
import { answerDialog, followCallback, openDialog, signIn, startLogin, watchUntilFinal } from './support/login-flow';
import { TestStack } from './support/test-stack';

const [alice, bob] = DEFAULT_TEST_USERS;

/**
 * A sign-in belongs to the browser that made it: a new session id before the
 * state is stored (no session fixation), and one signed-in session per
 * successful attempt (no second session riding the same operation).
 */
describe('Sessions: a fresh id at /auth/facebook, and one sign-in per operation', () => {
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
  const sessionIdOf = (browser: TestBrowser) =>
    /^s:([^.]+)\./.exec(decodeURIComponent(browser.cookie('afl.sid')!))![1];
  const sessionKey = (browser: TestBrowser) => `${stack.ns.redisPrefix}:sess:${sessionIdOf(browser)}`;
  const userIdOf = async (facebookId: string) =>
    (await stack.db.query<{ id: number }[]>('SELECT id FROM user_profile WHERE facebook_id = ?', [facebookId]))[0].id;
  const signedInSessions = async (facebookId: string) =>
    redis.scard(`${stack.ns.redisPrefix}:user-sessions:${databaseIdentity(stack.ns.databaseUrl)}:${await userIdOf(facebookId)}`);

  describe('GET /auth/facebook', () => {
    it("gives the browser a new session id before it stores the state, so a planted cookie cannot ride the sign-in", async () => {
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
      const stored = JSON.parse((await redis.get(sessionKey(victim)))!) as { facebookAuthorization?: { state: string } };
      expect(stored.facebookAuthorization?.state).toBe(dialog.searchParams.get('state'));

      const callback = await answerDialog(stack, dialog, { userId: alice.id });
      // The planted id cannot use the victim's callback…
      expect((await followCallback(attacker, callback)).location).toBe('/login/error?reason=invalid_state');
      expect((await followCallback(victim, callback)).location).toBe('/login/pending');
      expect((await watchUntilFinal(victim)).final?.status).toBe('ok');
      // …nor see, nor finish, the victim's sign-in.
      expect((await attacker.get('/api/auth/operation')).status).toBe(404);
      expect((await attacker.post('/api/auth/complete')).status).toBe(404);
      expect((await victim.post('/api/auth/complete')).status).toBe(200);
      expect((await attacker.get('/api/me')).status).toBe(401);
      expect((await victim.get('/api/me')).json()).toMatchObject({ firstName: 'Alice' });
    });

    it('gives each attempt of one browser its own session id, and keeps returnTo', async () => {
      const browser = stack.browser();
      await openDialog(browser);
      const first = sessionIdOf(browser);
      const start = await browser.get(`/auth/facebook?returnTo=${encodeURIComponent('/settings?tab=1')}`);
      expect(start.status).toBe(302);
      expect(sessionIdOf(browser)).not.toBe(first);
      const callback = await answerDialog(stack, new URL(start.location!), { userId: alice.id });
      await followCallback(browser, callback);
      expect((await watchUntilFinal(browser)).final?.status).toBe('ok');
      expect((await browser.post('/api/auth/complete')).json()).toMatchObject({ returnTo: '/settings?tab=1' });
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

  describe('POST /api/auth/complete', () => {
    it('refuses to sign a session in a second time from one operation: 409 already_completed, nothing changed', async () => {
      const browser = stack.browser();
      await startLogin(stack, browser, bob.id);
      expect((await watchUntilFinal(browser)).final?.status).toBe('ok');
      // A second holder of the same pre-login session (a copied cookie), whose copy survived the first sign-in.
      const copy = browser.clone();
      const copyCookie = copy.cookie('afl.sid');
      const preLoginKey = sessionKey(browser);
      const preLogin = (await redis.get(preLoginKey))!;

      expect((await browser.post('/api/auth/complete')).status).toBe(200);
      const sessions = await signedInSessions(bob.id);
      await redis.set(preLoginKey, preLogin, 'PX', 60000);

      const second = await copy.post('/api/auth/complete');
      expect(second.status).toBe(409);
      expect(second.json()).toMatchObject({ statusCode: 409, code: 'already_completed' });
      expect(await signedInSessions(bob.id)).toBe(sessions);
      // No new session id was handed out (the rolling idle timeout may re-send the same cookie).
      expect(copy.cookie('afl.sid')).toBe(copyCookie);
      expect(await redis.get(preLoginKey)).toBe(preLogin);
      expect((await copy.get('/api/me')).status).toBe(401);
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    it('lets exactly one of many racing completes with one cookie sign in', async () => {
      const browser = stack.browser();
      await startLogin(stack, browser, bob.id);
      expect((await watchUntilFinal(browser)).final?.status).toBe('ok');
      const sessions = await signedInSessions(bob.id);
      const copies = Array.from({ length: 6 }, () => browser.clone());

      const answers = await Promise.all(copies.map((copy) => copy.post('/api/auth/complete')));

      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      for (const refused of answers.filter((a) => a.status !== 200)) {
        // Refused by the claim (409), or after the winner had already ended the pre-login session (404).
        expect([409, 404]).toContain(refused.status);
        if (refused.status === 409) expect(refused.json()).toMatchObject({ code: 'already_completed' });
      }
      expect(await signedInSessions(bob.id)).toBe(sessions + 1);
      const signedIn = await Promise.all(copies.map(async (copy) => (await copy.get('/api/me')).status));
      expect(signedIn.filter((status) => status === 200)).toHaveLength(1);
    });

    it('answers a signed-in session that completes again (a replay, a second tab) with 409 already_completed', async () => {
      const browser = stack.browser();
      await signIn(stack, browser, alice.id);
      const cookie = browser.cookie('afl.sid');
      const replay = await browser.post('/api/auth/complete');
      expect(replay.status).toBe(409);
      expect(replay.json()).toMatchObject({ statusCode: 409, code: 'already_completed', message: expect.any(String) });
      expect(browser.cookie('afl.sid')).toBe(cookie);
      expect((await browser.get('/api/me')).status).toBe(200);
    });
  });
});
