import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, RouterView, type Router } from 'vue-router';
import { getMe, getOperation, type Operation, type User } from '@/api/auth';
import { FACEBOOK, getProviders, GOOGLE } from '@/api/providers';
import { getSignIns } from '@/api/signIns';
import { createAppRouter } from '@/router';
import { resetProviders } from '@/stores/providers';
import { resetSession, useSession } from '@/stores/session';
import { FakeEventSource } from '@/test/FakeEventSource';

vi.mock('@/api/auth', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/auth')>()),
  getMe: vi.fn(),
  getOperation: vi.fn(),
  logout: vi.fn(),
}));
// Home, where an ok goes, lists the configured providers.
vi.mock('@/api/providers', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/providers')>()),
  getProviders: vi.fn(),
}));
vi.mock('@/api/signIns', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/signIns')>()),
  getSignIns: vi.fn(),
}));

const ada: User = {
  id: 'u1',
  firstName: 'Ada',
  lastName: null,
  email: null,
  providers: ['facebook'],
};
const pending: Operation = { id: 'op-1', status: 'pending' };
/** The final event: the server has signed this browser in already. */
const ok = (returnTo = '/'): Operation => ({
  ...pending,
  status: 'ok',
  user: ada,
  returnTo,
});

const Root = defineComponent({ render: () => h(RouterView) });

/** Waits for a navigation (lazy view chunks load asynchronously). */
async function routeSettles(check: () => void): Promise<void> {
  await vi.waitFor(check);
  await flushPromises();
}

describe('LoginPendingView', () => {
  let router: Router;
  let wrapper: VueWrapper | undefined;

  async function openPending(path = '/login/pending'): Promise<void> {
    router = createAppRouter(createMemoryHistory(), useSession());
    await router.push(path);
    await router.isReady();
    wrapper = mount(Root, { global: { plugins: [router] } });
    await flushPromises();
  }

  beforeEach(() => {
    resetSession();
    resetProviders();
    FakeEventSource.install();
    vi.mocked(getMe).mockResolvedValue(null);
    vi.mocked(getProviders).mockResolvedValue([FACEBOOK, GOOGLE]);
    vi.mocked(getSignIns).mockResolvedValue([]);
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
    vi.useRealTimers();
  });

  it('says what is happening in a polite live region', async () => {
    await openPending();
    const status = wrapper!.get('[role="status"]');
    expect(status.attributes('aria-live')).toBe('polite');
    expect(status.text()).toBe('Talking to Facebook…');
    expect(wrapper!.findAll('h1')).toHaveLength(1);
    expect(FakeEventSource.last.url).toBe('/api/auth/operation/events');
  });

  it('shows the signed-in user on ok, with no further request, and goes home', async () => {
    await openPending();
    FakeEventSource.last.emit('status', pending);
    FakeEventSource.last.emit('status', ok());
    await flushPromises();

    expect(FakeEventSource.last.close).toHaveBeenCalled();
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/'),
    );
    expect(useSession().user.value).toEqual(ada);
    expect(wrapper!.text()).toContain('Hi, Ada!');
    // The ok said who: /api/me was not asked (the router's guard asked it once, before).
    expect(getMe).toHaveBeenCalledTimes(1);
  });

  it('goes to the page the sign-in started from (returnTo)', async () => {
    await openPending();
    FakeEventSource.last.emit('status', ok('/?from=settings'));
    await flushPromises();
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/?from=settings'),
    );
  });

  it('never follows a returnTo off this origin, whatever the server says', async () => {
    await openPending();
    FakeEventSource.last.emit('status', ok('//evil.example/'));
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/'),
    );
  });

  it('asks /api/me when an ok carries no user, and goes on signed in', async () => {
    vi.mocked(getMe).mockResolvedValueOnce(null).mockResolvedValueOnce(ada);
    await openPending();
    FakeEventSource.last.emit('status', {
      ...pending,
      status: 'ok',
      returnTo: '/?from=ok',
    });
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/?from=ok'),
    );
    expect(useSession().user.value).toEqual(ada);
  });

  it('goes home signed out when an ok carries no user and /api/me says nobody', async () => {
    await openPending();
    FakeEventSource.last.emit('status', { ...pending, status: 'ok' });
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/'),
    );
    expect(useSession().user.value).toBeNull();
  });

  it('goes to the error view with the reason on error', async () => {
    await openPending();
    FakeEventSource.last.emit('status', {
      id: 'op-1',
      status: 'error',
      error: { code: 'access_denied', message: 'cancelled' },
    });
    await flushPromises();

    await routeSettles(() =>
      expect(router.currentRoute.value.name).toBe('login-error'),
    );
    expect(router.currentRoute.value.query.reason).toBe('access_denied');
    expect(wrapper!.text()).toContain('You cancelled the sign-in on Facebook');
  });

  it('goes home when there is no attempt (404)', async () => {
    vi.mocked(getOperation).mockResolvedValue(null);
    await openPending();
    FakeEventSource.last.fail(FakeEventSource.CLOSED);
    await flushPromises();

    expect(getOperation).toHaveBeenCalled();
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/'),
    );
  });

  it('says it is slow, offers a way out, and never waits forever', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await openPending();
    FakeEventSource.last.emit('status', pending);

    await vi.advanceTimersByTimeAsync(5_000);
    expect(wrapper!.get('[role="status"]').text()).toBe(
      'Still waiting for Facebook…',
    );
    expect(wrapper!.find('a[href="/auth/facebook"]').exists()).toBe(false);

    await vi.advanceTimersByTimeAsync(25_000);
    expect(wrapper!.get('[role="status"]').text()).toContain(
      'taking longer than usual',
    );
    expect(wrapper!.get('a[href="/auth/facebook"]').text()).toBe('Try again');
    expect(wrapper!.get('a[href="/"]').text()).toBe('Back home');

    await vi.advanceTimersByTimeAsync(45_000);
    await routeSettles(() =>
      expect(router.currentRoute.value.name).toBe('login-error'),
    );
    expect(router.currentRoute.value.query.reason).toBe('timeout');
    expect(FakeEventSource.last.close).toHaveBeenCalled();
  });

  it("names the operation's provider, and takes it to the error view", async () => {
    await openPending();
    FakeEventSource.last.emit('status', { ...pending, provider: 'google' });
    await flushPromises();
    expect(wrapper!.get('[role="status"]').text()).toBe('Talking to Google…');

    FakeEventSource.last.emit('status', {
      ...pending,
      provider: 'google',
      status: 'error',
      error: { code: 'identity_not_linked', message: 'Sign in as before.' },
    });
    await routeSettles(() =>
      expect(router.currentRoute.value.name).toBe('login-error'),
    );
    expect(router.currentRoute.value.query).toEqual({
      reason: 'identity_not_linked',
      provider: 'google',
    });
    expect(wrapper!.text()).toContain(
      'An account with this e-mail already exists. Sign in the way you did before, then link Google from your page.',
    );
  });

  it('names the provider of the address before the first event (?provider=)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await openPending('/login/pending?provider=google');
    expect(wrapper!.get('[role="status"]').text()).toBe('Talking to Google…');

    await vi.advanceTimersByTimeAsync(30_000);
    expect(wrapper!.get('[role="status"]').text()).toBe(
      'Still waiting for Google… This is taking longer than usual.',
    );
    const retry = wrapper!.get('a.btn-google');
    expect(retry.text()).toBe('Try again');
    expect(retry.attributes('href')).toBe('/auth/google');

    await vi.advanceTimersByTimeAsync(45_000);
    await routeSettles(() =>
      expect(router.currentRoute.value.name).toBe('login-error'),
    );
    expect(router.currentRoute.value.query).toEqual({
      reason: 'timeout',
      provider: 'google',
    });
  });

  it('names no provider it does not know, and offers only home', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await openPending('/login/pending?provider=github');
    expect(wrapper!.get('[role="status"]').text()).toBe(
      'Talking to the service you chose…',
    );
    await vi.advanceTimersByTimeAsync(30_000);
    expect(wrapper!.findAll('a').map((a) => a.text())).toEqual(['Back home']);
  });

  it("follows a signed-in person's linking, and stays signed in as them", async () => {
    vi.mocked(getMe).mockResolvedValue(ada);
    await openPending('/login/pending?provider=google');
    expect(router.currentRoute.value.name).toBe('login-pending');
    expect(wrapper!.get('[role="status"]').text()).toBe('Talking to Google…');

    const linked = { ...ada, providers: ['facebook', 'google'] };
    FakeEventSource.last.emit('status', { ...ok('/?tab=1'), user: linked });
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/?tab=1'),
    );
    expect(useSession().user.value).toEqual(linked);
    expect(wrapper!.text()).toContain('Hi, Ada!');
  });

  it('offers to link again when linking is slow', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.mocked(getMe).mockResolvedValue(ada);
    await openPending('/login/pending?provider=google');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(wrapper!.get('a.btn-google').attributes('href')).toBe(
      '/auth/google?link=1',
    );
  });

  it('shows why linking failed to a signed-in person', async () => {
    vi.mocked(getMe).mockResolvedValue(ada);
    await openPending();
    FakeEventSource.last.emit('status', {
      ...pending,
      provider: 'google',
      status: 'error',
      error: { code: 'identity_in_use', message: 'Linked to someone else.' },
    });
    await routeSettles(() =>
      expect(router.currentRoute.value.name).toBe('login-error'),
    );
    expect(wrapper!.text()).toContain(
      'This Google account is already linked to another person.',
    );
    expect(useSession().user.value).toEqual(ada);
  });
});
