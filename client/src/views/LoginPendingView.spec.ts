import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, RouterView, type Router } from 'vue-router';
import { getMe, getOperation, type Operation, type User } from '@/api/auth';
import { createAppRouter } from '@/router';
import { resetSession, useSession } from '@/stores/session';
import { FakeEventSource } from '@/test/FakeEventSource';

vi.mock('@/api/auth', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/auth')>()),
  getMe: vi.fn(),
  getOperation: vi.fn(),
  logout: vi.fn(),
}));

const ada: User = { id: 'u1', firstName: 'Ada', lastName: null, email: null };
const pending: Operation = { id: 'op-1', status: 'pending' };
/** The final event: the server has signed this browser in already. */
const ok = (returnTo = '/'): Operation => ({ ...pending, status: 'ok', user: ada, returnTo });

const Root = defineComponent({ render: () => h(RouterView) });

/** Waits for a navigation (lazy view chunks load asynchronously). */
async function routeSettles(check: () => void): Promise<void> {
  await vi.waitFor(check);
  await flushPromises();
}

describe('LoginPendingView', () => {
  let router: Router;
  let wrapper: VueWrapper | undefined;

  async function openPending(): Promise<void> {
    router = createAppRouter(createMemoryHistory(), useSession());
    await router.push('/login/pending');
    await router.isReady();
    wrapper = mount(Root, { global: { plugins: [router] } });
    await flushPromises();
  }

  beforeEach(() => {
    resetSession();
    FakeEventSource.install();
    vi.mocked(getMe).mockResolvedValue(null);
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
    FakeEventSource.last.emit('status', { ...pending, status: 'ok', returnTo: '/?from=ok' });
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

  it('sends a signed-in user home instead', async () => {
    vi.mocked(getMe).mockResolvedValue(ada);
    router = createAppRouter(createMemoryHistory(), useSession());
    await router.push('/login/pending');
    expect(router.currentRoute.value.name).toBe('home');
    expect(FakeEventSource.instances).toHaveLength(0);
  });
});
