import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { answerDialog, followCallback, openDialog, startLogin, watchUntilOk } from './support/login-flow';
import { TestStack } from './support/test-stack';

const [alice, bob] = DEFAULT_TEST_USERS;

/**
 * A signed-in `GET /auth/facebook?rerequest=…` is a sign-in like any other
 * but for its start: the session stays signed in until the callback, which
 * renews its id; `?returnTo=` is this sign-in's, and without one no earlier
 * sign-in's is carried over.
 */
describe('A signed-in re-request: its returnTo, and a new session id at the callback (emulator, Redis, MariaDB)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(async () => {
    await stack.emulatorKnob('POST', '/reset');
  });

  /** Signed in with the e-mail declined, coming back to `returnTo`. */
  async function signedInDeclined(userId: string, returnTo: string) {
    const browser = stack.browser();
    await startLogin(stack, browser, userId, `?returnTo=${encodeURIComponent(returnTo)}`, ['email']);
    const first = await watchUntilOk(browser);
    expect(first).toMatchObject({ returnTo, user: { declined: ['email'] } });
    return { browser, user: first.user! };
  }

  it('lands on its returnTo, and the pre-re-request cookie no longer works after the callback', async () => {
    const { browser, user } = await signedInDeclined(alice.id, '/first');
    const beforeReRequest = browser.clone();

    const dialog = await openDialog(browser, 'facebook', `?rerequest=email&returnTo=${encodeURIComponent('/x?tab=1')}`);
    expect(dialog.searchParams.get('auth_type')).toBe('rerequest');
    // Until the callback the person is still signed in, under the same id.
    expect(browser.cookie('afl.sid')).toBe(beforeReRequest.cookie('afl.sid'));
    expect((await browser.get('/api/me')).status).toBe(200);

    const callback = await answerDialog(stack, dialog, { userId: alice.id });
    const pending = await followCallback(browser, callback);
    expect(pending.location).toBe('/login/pending?provider=facebook');
    expect(browser.cookie('afl.sid')).not.toBe(beforeReRequest.cookie('afl.sid'));

    const granted = await watchUntilOk(browser);
    expect(granted).toMatchObject({
      returnTo: '/x?tab=1',
      user: { id: user.id, email: 'alice@example.com', declined: [] },
    });
    expect((await browser.get('/api/me')).json()).toMatchObject({ id: user.id, declined: [] });
    // The id the person was signed in under before died at the callback.
    expect((await beforeReRequest.get('/api/me')).status).toBe(401);
  });

  it('without returnTo goes home, not where the earlier sign-in went', async () => {
    const { browser } = await signedInDeclined(bob.id, '/first');
    const dialog = await openDialog(browser, 'facebook', '?rerequest=email');
    await followCallback(browser, await answerDialog(stack, dialog, { userId: bob.id }));
    expect((await watchUntilOk(browser)).returnTo).toBe('/');
  });

  it('an unsafe returnTo is home, as for any sign-in', async () => {
    const { browser } = await signedInDeclined(alice.id, '/first');
    const dialog = await openDialog(
      browser,
      'facebook',
      `?rerequest=email&returnTo=${encodeURIComponent('//evil.example')}`,
    );
    await followCallback(browser, await answerDialog(stack, dialog, { userId: alice.id }));
    expect((await watchUntilOk(browser)).returnTo).toBe('/');
  });
});
