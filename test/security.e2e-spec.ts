import { createHash, createHmac } from 'node:crypto';
import Redis from 'ioredis';
import { signRequest } from '@app/auth/api';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import type { TestBrowser } from './support/browser';
import { answerDialog, followCallback, openDialog, signIn, startLogin, watchUntilFinal } from './support/login-flow';
import { LogCapture, TEST_APP_SECRET, TestStack } from './support/test-stack';
import { waitFor } from './support/built-process';

const [alice, bob] = DEFAULT_TEST_USERS;
const EVIL = 'https://evil.example';

/** Each `it` here is a row of docs/SECURITY.md. */
describe('Security (negative tests against the real stack)', () => {
  let stack: TestStack;
  let redis: Redis;
  const logs = new LogCapture();

  beforeAll(async () => {
    stack = await TestStack.start({ logs });
    redis = new Redis(stack.env.REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });
  afterEach(async () => {
    await stack.emulatorKnob('POST', '/reset');
  });

  const count = async (table: string) =>
    Number((await stack.db.query<{ n: string }[]>(`SELECT COUNT(*) AS n FROM \`${table}\``))[0].n);
  const snapshot = async () => ({
    users: await count('user_profile'),
    operations: await count('async_operation'),
  });
  const stats = async () =>
    (await stack.emulatorKnob('GET', '/stats')) as {
      tokenCalls: number;
      exchangesByCode: Record<string, number>;
    };
  const codeKey = (code: string) => createHash('sha256').update(code).digest('hex');

  /** The express-session id inside a signed `s:<id>.<sig>` cookie. */
  const sessionIdOf = (browser: TestBrowser) => /^s:([^.]+)\./.exec(decodeURIComponent(browser.cookie('afl.sid')!))![1];
  const sessionKey = (browser: TestBrowser) => `${stack.ns.redisPrefix}:sess:${sessionIdOf(browser)}`;

  describe('state and PKCE', () => {
    it('refuses a missing, wrong, reused or foreign state without touching anything', async () => {
      const browser = stack.browser();
      const dialog = await openDialog(browser);
      const callback = await answerDialog(stack, dialog, { userId: alice.id });
      const storedBefore = await redis.get(sessionKey(browser));
      const cookieBefore = browser.cookie('afl.sid');
      const before = await snapshot();
      const tokenCallsBefore = (await stats()).tokenCalls;

      const missing = new URL(callback);
      missing.searchParams.delete('state');
      const wrong = new URL(callback);
      wrong.searchParams.set('state', dialog.searchParams.get('state')!.slice(0, -2) + 'xx');
      for (const attempt of [missing, wrong]) {
        const answer = await followCallback(browser, attempt);
        expect(answer.location).toBe('/login/error?reason=invalid_state&provider=facebook');
        // Same session id (the rolling idle timeout may re-send the cookie).
        expect(browser.cookie('afl.sid')).toBe(cookieBefore);
      }
      const stranger = stack.browser();
      await openDialog(stranger);
      expect((await followCallback(stranger, callback)).location).toBe(
        '/login/error?reason=invalid_state&provider=facebook',
      );

      expect(await snapshot()).toEqual(before);
      expect((await stats()).tokenCalls).toBe(tokenCallsBefore);
      // The session still holds the same pending state: a forged callback cancelled nothing.
      expect(await redis.get(sessionKey(browser))).toBe(storedBefore);

      expect((await followCallback(browser, callback)).location).toBe('/login/pending?provider=facebook');
      expect((await followCallback(browser, callback)).location).toBe(
        '/login/error?reason=invalid_state&provider=facebook',
      );
      expect((await watchUntilFinal(browser)).final?.status).toBe('ok');
    });

    it('sends a fresh 256-bit state and S256 challenge for every attempt', async () => {
      const browser = stack.browser();
      const first = await openDialog(browser);
      const second = await openDialog(browser);
      for (const dialog of [first, second]) {
        expect(Buffer.from(dialog.searchParams.get('state')!, 'base64url')).toHaveLength(32);
        expect(dialog.searchParams.get('code_challenge_method')).toBe('S256');
      }
      expect(first.searchParams.get('state')).not.toBe(second.searchParams.get('state'));
      expect(first.searchParams.get('code_challenge')).not.toBe(second.searchParams.get('code_challenge'));
    });
  });

  it('refuses a replayed callback (refresh, back button, leaked URL): one exchange per code', async () => {
    const browser = stack.browser();
    const { callback } = await startLogin(stack, browser, alice.id);
    expect((await watchUntilFinal(browser)).final?.status).toBe('ok');
    const before = await snapshot();

    expect((await followCallback(browser, callback)).location).toBe(
      '/login/error?reason=invalid_state&provider=facebook',
    );
    const thief = stack.browser();
    expect((await followCallback(thief, callback)).location).toBe(
      '/login/error?reason=invalid_state&provider=facebook',
    );

    expect(await snapshot()).toEqual(before);
    expect((await stats()).exchangesByCode[codeKey(callback.searchParams.get('code')!)]).toBe(1);
  });

  it('lets only one of two racing copies of a callback through (double click, prefetch)', async () => {
    const browser = stack.browser();
    const dialog = await openDialog(browser);
    const callback = await answerDialog(stack, dialog, { userId: alice.id });
    const before = await snapshot();
    const answers = await Promise.all([followCallback(browser, callback), followCallback(browser, callback)]);
    expect(answers.map((a) => a.location).sort()).toEqual([
      '/login/error?reason=invalid_state&provider=facebook',
      '/login/pending?provider=facebook',
    ]);
    expect((await snapshot()).operations).toBe(before.operations + 1);
    await waitForTokenCall(callback);
    expect((await stats()).exchangesByCode[codeKey(callback.searchParams.get('code')!)]).toBe(1);
  });

  /** Waits until the worker has made its exchange for this callback's code, and no attempt is left pending. */
  async function waitForTokenCall(callback: URL): Promise<void> {
    const key = codeKey(callback.searchParams.get('code')!);
    await waitFor('the token call', async () => ((await stats()).exchangesByCode[key] ?? 0) > 0);
    await waitFor('every attempt to end', async () => {
      const [{ n }] = await stack.db.query<{ n: string }[]>(
        'SELECT COUNT(*) AS n FROM async_operation WHERE async_operation_status_id = 1',
      );
      return Number(n) === 0;
    });
  }

  describe('sessions', () => {
    it('rotates the session id at the callback: the pre-login id is dead and never signed in', async () => {
      const browser = stack.browser();
      const dialog = await openDialog(browser);
      const callback = await answerDialog(stack, dialog, { userId: alice.id });
      // A copy of the session GET /auth/facebook issued, taken before the callback.
      const preLogin = browser.clone();
      const preLoginKey = sessionKey(browser);
      expect((await followCallback(browser, callback)).location).toBe('/login/pending?provider=facebook');
      expect(browser.cookie('afl.sid')).not.toBe(preLogin.cookie('afl.sid'));
      expect(await redis.exists(preLoginKey)).toBe(0);

      const { final } = await watchUntilFinal(browser);
      expect(final).toMatchObject({ status: 'ok', user: { firstName: 'Alice' } });
      expect((await browser.get('/api/me')).status).toBe(200);
      // Even after the ok, the pre-login copy is nobody: it owns no operation and was never signed in.
      expect((await preLogin.get('/api/me')).status).toBe(401);
      expect((await preLogin.get('/api/auth/operation')).status).toBe(404);
      expect((await preLogin.events('/api/auth/operation/events')).status).toBe(404);
      expect(await redis.exists(preLoginKey)).toBe(0);
    });

    it('destroys the session on the server at logout: the old cookie is dead', async () => {
      const browser = stack.browser();
      await signIn(stack, browser, alice.id);
      const stolen = browser.clone();
      const key = sessionKey(browser);
      const logout = await browser.post('/api/auth/logout');
      expect(logout.status).toBe(204);
      expect(logout.headers.getSetCookie().join()).toMatch(/afl\.sid=;/);
      expect(await redis.exists(key)).toBe(0);
      expect((await stolen.get('/api/me')).status).toBe(401);
    });

    it('sets the cookie HttpOnly, SameSite=Lax and Path=/, with an idle expiry', async () => {
      const start = await fetch(stack.apiUrl + '/auth/facebook', { redirect: 'manual' });
      const cookie = start.headers.getSetCookie().find((c) => c.startsWith('afl.sid='))!;
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).toMatch(/; Expires=/);
      expect(cookie).not.toMatch(/; Secure/); // PUBLIC_URL is http here; see the https suite below
    });

    it('ends a session past its absolute lifetime, however busy', async () => {
      const browser = stack.browser();
      await signIn(stack, browser, alice.id);
      const key = sessionKey(browser);
      const stored = JSON.parse((await redis.get(key))!) as { createdAt: number };
      stored.createdAt -= 2 * 24 * 60 * 60 * 1000;
      await redis.set(key, JSON.stringify(stored), 'KEEPTTL');
      expect((await browser.get('/api/me')).status).toBe(401);
    });
  });

  it('shows an operation and its stream only to the session that started it', async () => {
    const victim = stack.browser();
    await startLogin(stack, victim, alice.id);
    const operationId = victim.cookie('afl.sid') && (await victim.get('/api/auth/operation')).json<{ id: string }>().id;
    expect(operationId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    // A stranger whose own session somehow names the victim's operation still sees nothing.
    const stranger = stack.browser();
    await openDialog(stranger);
    const key = sessionKey(stranger);
    const stored = JSON.parse((await redis.get(key))!) as Record<string, unknown>;
    await redis.set(key, JSON.stringify({ ...stored, asyncOperationId: operationId }), 'KEEPTTL');
    expect((await stranger.get('/api/auth/operation')).status).toBe(404);
    expect((await stranger.events('/api/auth/operation/events')).status).toBe(404);
    expect((await victim.get('/api/auth/operation')).status).toBe(200);

    // Once the victim's attempt is ok, its sign-in went to the victim's session only.
    const { final } = await watchUntilFinal(victim);
    expect(final).toMatchObject({ id: operationId, status: 'ok', user: { firstName: 'Alice' } });
    expect((await victim.get('/api/me')).status).toBe(200);
    expect((await stranger.get('/api/auth/operation')).status).toBe(404);
    expect((await stranger.get('/api/me')).status).toBe(401);
    expect(JSON.parse((await redis.get(key))!)).not.toHaveProperty('passport');
  });

  describe('CSRF on state-changing POSTs', () => {
    it.each([
      ['a foreign Origin', { origin: EVIL }],
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site', origin: EVIL }],
      ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ])('refuses logout from %s, changing nothing', async (_label, headers) => {
      // Sign-in needs no POST any more (the ok event means signed in): logout is the state-changing POST left.
      const browser = stack.browser();
      await signIn(stack, browser, bob.id);
      const key = sessionKey(browser);
      const cookie = browser.cookie('afl.sid');
      const refused = await browser.post('/api/auth/logout', {}, headers);
      expect(refused.status).toBe(403);
      expect(refused.json()).toMatchObject({ statusCode: 403 });
      expect(refused.headers.getSetCookie().join()).not.toMatch(/afl\.sid=;/);
      expect(await redis.exists(key)).toBe(1);
      expect(browser.cookie('afl.sid')).toBe(cookie);
      expect((await browser.get('/api/me')).status).toBe(200);

      // The same POST from the page's own origin does end it.
      expect((await browser.post('/api/auth/logout')).status).toBe(204);
      expect((await browser.get('/api/me')).status).toBe(401);
    });
  });

  describe('headers', () => {
    it.each(['/auth/facebook', '/api/auth/operation', '/api/me'])(
      'sends a strict CSP and no-referrer on %s',
      async (path) => {
        const response = await fetch(stack.apiUrl + path, { redirect: 'manual' });
        const csp = response.headers.get('content-security-policy')!;
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).toContain("frame-ancestors 'none'");
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('x-powered-by')).toBeNull();
      },
    );
  });

  describe('no open redirect', () => {
    it.each([
      [`${EVIL}/phish`, '/'],
      ['//evil.example/x', '/'],
      ['/\\evil.example', '/'],
      ['/account?tab=2', '/account?tab=2'],
      // Judged after normalisation: nothing that collapses into another origin or a login page survives.
      ['/.//evil.example', '/'],
      ['/a/..//evil.example', '/'],
      ['/%2F%2Fevil.example', '/'],
      ['/%5Cevil.example', '/'],
      ['/\tx', '/'],
      ['/./login/pending', '/'],
      ['/profile?tab=1#x', '/profile?tab=1#x'],
    ])('limits returnTo=%s to a same-origin path (%s)', async (returnTo, expected) => {
      const browser = stack.browser();
      const start = await browser.get(`/auth/facebook?returnTo=${encodeURIComponent(returnTo)}`);
      const callback = await answerDialog(stack, new URL(start.location!), { userId: alice.id });
      await followCallback(browser, callback);
      // Where to go arrives with the ok (the browser is signed in by then), and GET /api/auth/operation agrees.
      const { final } = await watchUntilFinal(browser);
      expect(final).toMatchObject({ status: 'ok', returnTo: expected });
      expect((await browser.get('/api/auth/operation')).json()).toMatchObject({ status: 'ok', returnTo: expected });
    });
  });

  describe("Facebook's data deletion callback", () => {
    const deletion = (body: string, contentType = 'application/x-www-form-urlencoded') =>
      fetch(stack.apiUrl + '/auth/facebook/data-deletion', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
    const signed = (userId: string, overrides: Record<string, unknown> = {}, secret = TEST_APP_SECRET) =>
      signRequest(
        { algorithm: 'HMAC-SHA256', user_id: userId, issued_at: Math.floor(Date.now() / 1000), ...overrides },
        secret,
      );
    const form = (signedRequest: string) => new URLSearchParams({ signed_request: signedRequest }).toString();

    it('deletes the profile and its history, ends its sessions, and shows the status', async () => {
      const browser = stack.browser();
      await signIn(stack, browser, bob.id);
      const [{ id }] = await stack.db.query<{ id: number }[]>('SELECT id FROM user_profile WHERE facebook_id = ?', [
        bob.id,
      ]);

      const response = await deletion(form(signed(bob.id)));
      expect(response.status).toBe(200);
      const body = (await response.json()) as { url: string; confirmation_code: string };
      expect(body.confirmation_code).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(body.url).toBe(`${stack.apiUrl}/auth/facebook/data-deletion/${body.confirmation_code}`);

      expect(await stack.db.query('SELECT id FROM user_profile WHERE facebook_id = ?', [bob.id])).toHaveLength(0);
      expect(await stack.db.query('SELECT id FROM async_operation WHERE user_profile_id = ?', [id])).toHaveLength(0);
      expect((await browser.get('/api/me')).status).toBe(401);

      const page = await fetch(body.url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('We deleted your profile and your sign-in history.');
      expect((await fetch(`${stack.apiUrl}/auth/facebook/data-deletion/${'A'.repeat(22)}`)).status).toBe(404);
      expect((await fetch(`${stack.apiUrl}/auth/facebook/data-deletion/'%20OR%201=1`)).status).toBe(404);
    });

    it.each([
      ['missing', ''],
      [
        'tampered',
        (() => {
          const [sig] = signed(alice.id).split('.');
          return form(
            `${sig}.${Buffer.from(JSON.stringify({ algorithm: 'HMAC-SHA256', user_id: alice.id, issued_at: Math.floor(Date.now() / 1000) + 1 })).toString('base64url')}`,
          );
        })(),
      ],
      [
        'signed with the wrong algorithm',
        (() => {
          const payload = Buffer.from(
            JSON.stringify({ algorithm: 'HMAC-SHA1', user_id: alice.id, issued_at: Math.floor(Date.now() / 1000) }),
          ).toString('base64url');
          return form(`${createHmac('sha256', TEST_APP_SECRET).update(payload).digest('base64url')}.${payload}`);
        })(),
      ],
      ['signed with the wrong secret', form(signed(alice.id, {}, 'not-the-app-secret'))],
      ['not base64url', form('%%%.&&&')],
      ['old (a replay)', form(signed(alice.id, { issued_at: Math.floor(Date.now() / 1000) - 86400 }))],
      ['repeated', `${form(signed(alice.id))}&${form(signed(alice.id))}`],
    ])('answers a %s signed_request with 400 and deletes nothing', async (_label, body) => {
      await signIn(stack, stack.browser(), alice.id);
      const before = await snapshot();
      const response = await deletion(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, message: expect.any(String) });
      expect(await snapshot()).toEqual(before);
    });

    it('answers a signed_request sent as text/plain with 400', async () => {
      const response = await deletion(`signed_request=${signed(alice.id)}`, 'text/plain');
      expect(response.status).toBe(400);
    });
  });

  describe("Facebook's deauthorize callback", () => {
    const deauthorize = (signedRequest: string) =>
      fetch(stack.apiUrl + '/auth/facebook/deauthorize', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ signed_request: signedRequest }),
      });

    it('ends every session of the person and keeps the profile', async () => {
      const [phone, laptop] = [stack.browser(), stack.browser()];
      await signIn(stack, phone, alice.id);
      await signIn(stack, laptop, alice.id);
      const response = await deauthorize(
        signRequest(
          { algorithm: 'HMAC-SHA256', user_id: alice.id, issued_at: Math.floor(Date.now() / 1000) },
          TEST_APP_SECRET,
        ),
      );
      expect(response.status).toBe(200);
      expect((await phone.get('/api/me')).status).toBe(401);
      expect((await laptop.get('/api/me')).status).toBe(401);
      expect(await stack.db.query('SELECT id FROM user_profile WHERE facebook_id = ?', [alice.id])).toHaveLength(1);
    });

    it('refuses a forged signed_request with 400 and ends nothing', async () => {
      const browser = stack.browser();
      await signIn(stack, browser, alice.id);
      const forged = signRequest(
        { algorithm: 'HMAC-SHA256', user_id: alice.id, issued_at: Math.floor(Date.now() / 1000) },
        'guess',
      );
      expect((await deauthorize(forged)).status).toBe(400);
      expect((await browser.get('/api/me')).status).toBe(200);
    });
  });

  describe('hostile input', () => {
    it('meets repeated, nested, oversized and odd callback parameters with the error page', async () => {
      const browser = stack.browser();
      const dialog = await openDialog(browser);
      const callback = await answerDialog(stack, dialog, { userId: alice.id });
      const state = callback.searchParams.get('state')!;
      const code = callback.searchParams.get('code')!;
      const before = await snapshot();
      const attempts = [
        `code=${code}&code=${code}&state=${state}`,
        `code=${code}&state=${state}&state=${state}`,
        `code=${'x'.repeat(3000)}&state=${state}`,
        `code=%E0%A4%A&state=%ZZ`,
        `code=%C3%28&state=${encodeURIComponent("' OR 1=1; DROP TABLE user_profile; --<script>alert(1)</script>")}`,
        `error=${encodeURIComponent('<img src=x onerror=alert(1)>')}&state=forged`,
      ];
      for (const query of attempts) {
        const answer = await browser.get(`/auth/facebook/callback?${query}`);
        expect(answer.status).toBe(302);
        expect(answer.location).toMatch(/^\/login\/error\?reason=(invalid_request|invalid_state)&provider=facebook$/);
      }
      expect(await snapshot()).toEqual(before);
      // Nothing above consumed the real state.
      expect((await followCallback(browser, callback)).location).toBe('/login/pending?provider=facebook');
      await watchUntilFinal(browser);
    });

    it('answers an over-long URL with a 4xx, not a crash', async () => {
      const response = await fetch(`${stack.apiUrl}/api/auth/operation?x=${'a'.repeat(20000)}`);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });

    // These rows were on POST /api/auth/complete, which is gone; POST /api/auth/logout is the JSON POST left.
    const logoutWith = (browser: TestBrowser, body: string, type: string) =>
      browser.request('/api/auth/logout', {
        method: 'POST',
        headers: { 'content-type': type, origin: new URL(stack.apiUrl).origin },
        body,
      });

    it.each([
      ['malformed JSON', '{"a":', 'application/json', 400],
      ['an oversized body', JSON.stringify({ a: 'x'.repeat(100_000) }), 'application/json', 413],
    ])('answers %s on POST /api/auth/logout with JSON and changes nothing', async (_label, body, type, status) => {
      const browser = stack.browser();
      await signIn(stack, browser, alice.id);
      const before = await snapshot();
      const response = await logoutWith(browser, body, type);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.text).not.toMatch(/\bat \w+ \(/); // no stack trace
      expect(await snapshot()).toEqual(before);
      // Refused before the route ran: the session lives on.
      expect(await redis.exists(sessionKey(browser))).toBe(1);
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    // The old third row (a wrong content type on complete, answered 409 already_completed) only made
    // sense for complete. What it checked, that an unparsed body is just an empty one, holds for logout:
    // the body is ignored and the logout goes ahead.
    it('takes a wrong content type on POST /api/auth/logout as an empty body', async () => {
      const browser = stack.browser();
      await signIn(stack, browser, alice.id);
      const key = sessionKey(browser);
      const response = await logoutWith(browser, '<xml/>', 'application/xml');
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(await redis.exists(key)).toBe(0);
      expect((await browser.get('/api/me')).status).toBe(401);
    });

    it.each(['/api/%E0%A4%A', '/api/auth/operation/%ZZ', "/api/me'--", '/auth/facebook/%00'])(
      'answers the odd path %s with a 4xx JSON error',
      async (path) => {
        const response = await fetch(stack.apiUrl + path, { redirect: 'manual' });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      },
    );

    it.each([
      ['a malformed token answer', { endpoint: 'token', kind: 'malformed' }],
      ['a profile without id', { endpoint: 'me', kind: 'missing-id' }],
      ['a profile with a 100,000-character name', { endpoint: 'me', kind: 'huge' }],
    ])('ends the operation as provider_bad_response on %s', async (_label, fault) => {
      await stack.emulatorKnob('POST', '/faults', { ...fault, times: 1 });
      const before = await count('user_profile');
      const browser = stack.browser();
      await startLogin(stack, browser, '10000000000000003');
      const { final } = await watchUntilFinal(browser);
      expect(final).toMatchObject({ status: 'error', error: { code: 'provider_bad_response' } });
      expect(await count('user_profile')).toBe(before);
    });
  });

  it('never writes the app secret, a code, a token or a session id into the logs', async () => {
    const browser = stack.browser();
    const dialog = await openDialog(browser);
    const preLoginSessionId = sessionIdOf(browser);
    const callback = await answerDialog(stack, dialog, { userId: alice.id });
    await followCallback(browser, callback);
    // The session the callback issued, which the worker got in its job and signed in.
    const { final } = await watchUntilFinal(browser);
    expect(final).toMatchObject({ status: 'ok', user: { firstName: 'Alice' } });
    expect((await browser.get('/api/me')).status).toBe(200);
    await stack.emulatorKnob('POST', '/faults', { endpoint: 'token', kind: 'status', status: 400, times: 1 });
    const failing = stack.browser();
    await startLogin(stack, failing, alice.id);
    // Read once it has ended (a bare 400 is retried, then ok): the lines of the failed call are among them.
    const retried = (await watchUntilFinal(failing)).final;
    expect(retried?.status).toBe('ok');
    expect(logs.text).toContain(retried!.id);

    const text = logs.text;
    expect(text).toContain(final!.id); // the logs do tell this login's story
    expect(text).not.toContain(TEST_APP_SECRET);
    expect(text).not.toContain(callback.searchParams.get('code')!);
    expect(text).not.toContain(callback.searchParams.get('state')!);
    expect(text).not.toMatch(/EAA[A-Za-z0-9_-]{10,}/);
    expect(text).not.toContain(sessionIdOf(browser));
    expect(text).not.toContain(preLoginSessionId);
    expect(text).not.toContain(stack.env.SESSION_SECRET);
  });
});

describe('Security behind an https proxy (PUBLIC_URL https, TRUST_PROXY on)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({
      worker: 'none',
      env: { PUBLIC_URL: 'https://login.example.test', TRUST_PROXY: 'true', RATE_LIMIT_MAX: '2' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('sets a __Host- cookie that is Secure, HttpOnly and SameSite=Lax', async () => {
    const start = await fetch(stack.apiUrl + '/auth/facebook', {
      redirect: 'manual',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.1' },
    });
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith('__Host-afl.sid='))!;
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Domain=/);
    expect(start.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
  });

  it('counts rate limits per X-Forwarded-For client when the proxy is trusted', async () => {
    const from = (ip: string) => fetch(stack.apiUrl + '/api/auth/operation', { headers: { 'x-forwarded-for': ip } });
    expect((await from('198.51.100.7')).status).toBe(404);
    expect((await from('198.51.100.7')).status).toBe(404);
    expect((await from('198.51.100.7')).status).toBe(429);
    expect((await from('198.51.100.8')).status).toBe(404);
  });
});

describe('Rate limits on /auth/* and /api/auth/* (stored in Redis)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ worker: 'none', env: { RATE_LIMIT_MAX: '3' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 429 with Retry-After past the limit, and ignores X-Forwarded-For without TRUST_PROXY', async () => {
    const responses = [];
    for (let i = 0; i < 4; i++) {
      responses.push(
        await fetch(stack.apiUrl + '/api/auth/operation', { headers: { 'x-forwarded-for': `192.0.2.${i}` } }),
      );
    }
    expect(responses.map((r) => r.status)).toEqual([404, 404, 404, 429]);
    const limited = responses[3];
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ statusCode: 429 });

    const redis = new Redis(stack.env.REDIS_URL);
    try {
      expect(await redis.keys(`${stack.ns.redisPrefix}:throttle:*`)).not.toHaveLength(0);
    } finally {
      redis.disconnect();
    }
  });

  it('sends a browser past the limit to the error page with reason rate_limited', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) last = await fetch(stack.apiUrl + '/auth/facebook', { redirect: 'manual' });
    expect(last!.status).toBe(302);
    expect(last!.headers.get('location')).toBe('/login/error?reason=rate_limited&provider=facebook');
  });
});
