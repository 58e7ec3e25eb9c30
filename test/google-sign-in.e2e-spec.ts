import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import {
  answerGoogleChooser,
  followCallback,
  openDialog,
  signIn,
  signInWithGoogle,
  startGoogleLogin,
  startLogin,
  watchUntilFinal,
} from './support/login-flow';
import { emulatorKnob } from './support/emulator-knob';
import { GOOGLE_ALICE, GOOGLE_GRACE, GOOGLE_ZOE, TEST_GOOGLE_CLIENT_ID, TestStack } from './support/test-stack';

const [facebookAlice, facebookBob, facebookZoe] = DEFAULT_TEST_USERS;

/**
 * Google, the second provider, through the same contract as Facebook: the
 * emulator's Google side (discovery, account chooser, token endpoint issuing
 * RS256 id_tokens, JWKS), the real API, worker, Bull, MariaDB and Redis.
 */
describe('Log in with Google, end to end (OpenID Connect on the emulator)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(async () => {
    await googleKnob('POST', '/reset');
  });

  const googleKnob = (method: string, path: string, body?: unknown) =>
    emulatorKnob(`${stack.emulatorUrl}/google`, method, path, body);
  const rows = async (sql: string, params: unknown[] = []) => stack.db.query<Record<string, unknown>[]>(sql, params);

  it('offers both providers to the SPA, Facebook first', async () => {
    const answer = await stack.browser().get('/api/auth/providers');
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      providers: [
        { id: 'facebook', name: 'Facebook' },
        { id: 'google', name: 'Google' },
      ],
    });
  });

  it('signs a new person in: authorization request with state, nonce and PKCE → callback → ok over the stream', async () => {
    const browser = stack.browser();
    const dialog = await openDialog(browser, 'google');
    expect(dialog.origin + dialog.pathname).toBe(`${stack.emulatorUrl}/google/o/oauth2/v2/auth`);
    const params = Object.fromEntries(dialog.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: TEST_GOOGLE_CLIENT_ID,
      redirect_uri: `${stack.apiUrl}/auth/google/callback`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    for (const value of [params.state, params.nonce]) expect(Buffer.from(value, 'base64url')).toHaveLength(32);
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const callback = await answerGoogleChooser(dialog, { sub: GOOGLE_GRACE });
    const answer = await followCallback(browser, callback);
    expect(answer.status).toBe(302);
    expect(answer.location).toBe('/login/pending?provider=google');

    const { final } = await watchUntilFinal(browser);
    expect(final).toMatchObject({
      status: 'ok',
      user: { firstName: 'Grace', lastName: 'Hopper', email: 'grace.hopper@example.net' },
    });
    expect((await browser.get('/api/me')).json()).toEqual({ ...final!.user, providers: ['google'] });

    const [profile] = await rows('SELECT id, facebook_id FROM user_profile WHERE public_id = ?', [final!.user!.id]);
    expect(profile.facebook_id).toBeNull();
    expect(await rows('SELECT provider, subject FROM user_identity WHERE user_profile_id = ?', [profile.id])).toEqual([
      { provider: 'google', subject: GOOGLE_GRACE },
    ]);
    const [operation] = await rows('SELECT provider FROM async_operation WHERE public_id = ?', [final!.id]);
    expect(operation.provider).toBe('google');

    // A second sign-in is the same person, not a second profile.
    const again = await signInWithGoogle(stack.browser(), GOOGLE_GRACE);
    expect(again.id).toBe(final!.user!.id);
  });

  it('ends on the error page, naming Google, when the person cancels or the state is not theirs; nothing is recorded', async () => {
    const before = await rows('SELECT COUNT(*) AS n FROM async_operation');
    const browser = stack.browser();
    const cancelled = await answerGoogleChooser(await openDialog(browser, 'google'), 'cancel');
    expect((await followCallback(browser, cancelled)).location).toBe(
      '/login/error?reason=access_denied&provider=google',
    );

    const dialog = await openDialog(browser, 'google');
    const callback = await answerGoogleChooser(dialog, { sub: GOOGLE_GRACE });
    const stranger = stack.browser();
    await openDialog(stranger, 'google');
    expect((await followCallback(stranger, callback)).location).toBe(
      '/login/error?reason=invalid_state&provider=google',
    );
    // A Facebook callback cannot take Google's state either.
    const crossed = await browser.get(`/auth/facebook/callback${callback.search}`);
    expect(crossed.location).toBe('/login/error?reason=invalid_state&provider=facebook');
    expect(await rows('SELECT COUNT(*) AS n FROM async_operation')).toEqual(before);
    // The real callback still goes through: nothing above consumed its state.
    expect((await followCallback(browser, callback)).location).toBe('/login/pending?provider=google');
    expect((await watchUntilFinal(browser)).final?.status).toBe('ok');
  });

  it('never links by e-mail: a first Google sign-in with a Facebook profile’s e-mail is refused as identity_not_linked', async () => {
    const facebookUser = await signIn(stack, stack.browser(), facebookAlice.id);
    const browser = stack.browser();
    await startGoogleLogin(browser, GOOGLE_ALICE);
    const { final } = await watchUntilFinal(browser);
    expect(final).toMatchObject({ status: 'error', error: { code: 'identity_not_linked' } });
    expect(final!.error!.message).toContain('link Google');
    expect((await browser.get('/api/me')).status).toBe(401);
    expect(await rows('SELECT * FROM user_identity WHERE subject = ?', [GOOGLE_ALICE])).toEqual([]);
    expect(await rows('SELECT id FROM user_profile WHERE email = ?', [facebookAlice.email])).toHaveLength(1);
    expect(facebookUser.email).toBe(facebookAlice.email);
  });

  it('links Google to the signed-in person explicitly (?link=1), after which either provider signs the same person in', async () => {
    const browser = stack.browser();
    const facebookUser = await signIn(stack, browser, facebookAlice.id);
    // Signed in, a plain start goes home; a link goes to Google's dialog.
    expect((await browser.get('/auth/google')).location).toBe('/');
    const { response } = await startGoogleLogin(browser, GOOGLE_ALICE, '?link=1');
    expect(response.location).toBe('/login/pending?provider=google');
    const { final } = await watchUntilFinal(browser);
    expect(final).toMatchObject({ status: 'ok', user: { id: facebookUser.id } });
    expect((await browser.get('/api/me')).json()).toMatchObject({
      id: facebookUser.id,
      providers: ['facebook', 'google'],
    });

    const viaGoogle = await signInWithGoogle(stack.browser(), GOOGLE_ALICE);
    expect(viaGoogle.id).toBe(facebookUser.id);
  });

  it('links Facebook to a person who signed in with Google, from the same kind of request (?link=1 on /auth/facebook)', async () => {
    const browser = stack.browser();
    const googleUser = await signInWithGoogle(browser, GOOGLE_ZOE);
    await startLogin(stack, browser, facebookZoe.id, '?link=1');
    const { final } = await watchUntilFinal(browser);
    // A link changes nothing of the profile: the names stay Google's, not Facebook's.
    expect(final).toMatchObject({ status: 'ok', user: googleUser });
    expect((await browser.get('/api/me')).json()).toEqual({ ...googleUser, providers: ['facebook', 'google'] });
    const [row] = await rows('SELECT facebook_id FROM user_profile WHERE public_id = ?', [googleUser.id]);
    expect(row.facebook_id).toBe(facebookZoe.id);
  });

  it('refuses to link a Google account that belongs to someone else (identity_in_use), and the person stays who they were', async () => {
    await signInWithGoogle(stack.browser(), GOOGLE_GRACE);
    const browser = stack.browser();
    const bob = await signIn(stack, browser, facebookBob.id);
    await startGoogleLogin(browser, GOOGLE_GRACE, '?link=1');
    const { final } = await watchUntilFinal(browser);
    expect(final).toMatchObject({ status: 'error', error: { code: 'identity_in_use' } });
    const [bobRow] = await rows('SELECT id FROM user_profile WHERE public_id = ?', [bob.id]);
    expect(await rows('SELECT * FROM user_identity WHERE user_profile_id = ?', [bobRow.id])).toEqual([]);
  });

  it("retries Google's transient failures: a 503 from the token endpoint costs one retry, not the sign-in", async () => {
    await googleKnob('POST', '/faults', { endpoint: 'token', kind: 'status', status: 503, times: 1 });
    const browser = stack.browser();
    await startGoogleLogin(browser, GOOGLE_GRACE);
    const { final } = await watchUntilFinal(browser);
    expect(final?.status).toBe('ok');
    // The 503 came before Google took the code, so the retry presented it again, and it was good.
    expect(await googleKnob('GET', '/stats')).toMatchObject({ tokenCalls: 2 });
  });

  it('ends as provider_bad_response, not a crash, when the token endpoint answers garbage', async () => {
    await googleKnob('POST', '/faults', { endpoint: 'token', kind: 'malformed', times: 1 });
    const browser = stack.browser();
    await startGoogleLogin(browser, GOOGLE_GRACE);
    const { final } = await watchUntilFinal(browser);
    expect(final).toMatchObject({ status: 'error', error: { code: 'provider_bad_response' } });
    expect(final!.error!.message).toBe('Google sent an answer we could not read.');
  });
});
