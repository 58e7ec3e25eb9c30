import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, RouterView, type Router } from 'vue-router';
import {
  completeLogin,
  getMe,
  getOperation,
  type Operation,
  type User,
} from '@/api/auth';
import { HttpError } from '@/api/http';
import { createAppRouter } from '@/router';
import { resetSession, useSession } from '@/stores/session';
import { FakeEventSource } from '@/test/FakeEventSource';

vi.mock('@/api/auth', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/auth')>()),
  getMe: vi.fn(),
  getOperation: vi.fn(),
  completeLogin: vi.fn(),
  logout: vi.fn(),
}));

const ada: User = { id: 'u1', firstName: 'Ada', lastName: null, email: null };
const pending: Operation = { id: 'op-1', status: 'pending' };

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

  it('completes the login on ok and goes home', async () => {
    vi.mocked(completeLogin).mockResolvedValue({ user: ada, returnTo: '/' });
    await openPending();
    FakeEventSource.last.emit('status', pending);
    FakeEventSource.last.emit('status', { ...pending, status: 'ok' });
    await flushPromises();

    expect(completeLogin).toHaveBeenCalledOnce();
    expect(FakeEventSource.last.close).toHaveBeenCalled();
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/'),
    );
    expect(useSession().user.value).toEqual(ada);
    expect(wrapper!.text()).toContain('Hi, Ada!');
  });

  it('goes to the page the sign-in started from (returnTo)', async () => {
    vi.mocked(completeLogin).mockResolvedValue({ user: ada, returnTo: '/?from=settings' });
    await openPending();
    FakeEventSource.last.emit('status', { ...pending, status: 'ok' });
    await flushPromises();
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/?from=settings'),
    );
  });

  it('retries complete after a 409', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.mocked(completeLogin)
      .mockRejectedValueOnce(new HttpError(409))
      .mockResolvedValueOnce({ user: ada, returnTo: '/' });
    await openPending();
    FakeEventSource.last.emit('status', { ...pending, status: 'ok' });
    await flushPromises();
    expect(completeLogin).toHaveBeenCalledTimes(1);
    expect(router.currentRoute.value.name).toBe('login-pending');

    await vi.advanceTimersByTimeAsync(1_000);
    await flushPromises();
    expect(completeLogin).toHaveBeenCalledTimes(2);
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/'),
    );
  });

  it('goes to the error view with the reason on error', async () => {
    await openPending();
    FakeEventSource.last.emit('status', {
      id: 'op-1',
      status: 'error',
      error: { code: 'access_denied', message: 'cancelled' },
    });
    await flushPromises();

    expect(completeLogin).not.toHaveBeenCalled();
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

  it('goes to the error view when complete says the attempt failed', async () => {
    vi.mocked(completeLogin).mockRejectedValue(
      new HttpError(422, {
        statusCode: 422,
        message: 'Facebook is not answering right now.',
        error: 'Unprocessable Entity',
        code: 'facebook_unavailable',
      }),
    );
    await openPending();
    FakeEventSource.last.emit('status', { ...pending, status: 'ok' });
    await routeSettles(() =>
      expect(router.currentRoute.value.name).toBe('login-error'),
    );
    expect(router.currentRoute.value.query.reason).toBe('facebook_unavailable');
  });

  it('goes home when complete finds no attempt (404)', async () => {
    vi.mocked(completeLogin).mockRejectedValue(new HttpError(404));
    await openPending();
    FakeEventSource.last.emit('status', { ...pending, status: 'ok' });
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/'),
    );
  });

  it('goes home, without retrying, when complete says the sign-in was already completed (409)', async () => {
    vi.mocked(completeLogin).mockRejectedValue(
      new HttpError(409, {
        statusCode: 409,
        message: 'This sign-in has already been completed',
        error: 'Conflict',
        code: 'already_completed',
      }),
    );
    await openPending();
    FakeEventSource.last.emit('status', { ...pending, status: 'ok' });
    await routeSettles(() =>
      expect(router.currentRoute.value.fullPath).toBe('/'),
    );
    expect(completeLogin).toHaveBeenCalledTimes(1);
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
