import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import type { User } from '@/api/auth';
import { createSession } from '@/stores/session';
import {
  APP_NAME,
  createAppRouter,
  isLoginPath,
  resolveTitle,
  stripFacebookHash,
} from './index';

const ada: User = {
  id: 'u1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  providers: ['facebook'],
};

function setup(me: User | null) {
  const fetchMe = vi.fn(async () => me);
  const session = createSession(fetchMe);
  const router = createAppRouter(createMemoryHistory(), session);
  return { router, session, fetchMe };
}

describe('router guards', () => {
  it.each([
    ['/login/pending?provider=google', 'login-pending'],
    ['/login/error?reason=identity_in_use&provider=google', 'login-error'],
  ])(
    'lets a signed-in user linking a provider open %s, knowing who it is',
    async (path, name) => {
      const { router, session, fetchMe } = setup(ada);
      await router.push(path);
      expect(router.currentRoute.value.name).toBe(name);
      expect(fetchMe).toHaveBeenCalledOnce();
      expect(session.isSignedIn.value).toBe(true);
    },
  );

  it.each([
    ['/login/pending', 'login-pending'],
    ['/login/error?reason=timeout', 'login-error'],
  ])('lets a signed-out visitor open %s', async (path, name) => {
    const { router } = setup(null);
    await router.push(path);
    expect(router.currentRoute.value.name).toBe(name);
  });

  it('asks /api/me once and then uses the cached answer', async () => {
    const { router, fetchMe } = setup(null);
    await router.push('/login/pending');
    await router.push('/login/error?reason=timeout');
    await router.push('/');
    expect(fetchMe).toHaveBeenCalledOnce();
  });

  it('follows sign-in and logout without asking again', async () => {
    const { router, session, fetchMe } = setup(null);
    await router.push('/login/pending');
    session.setUser(ada);
    await router.push('/');
    expect(session.isSignedIn.value).toBe(true);
    session.setUser(null);
    await router.push('/login/error');
    expect(router.currentRoute.value.name).toBe('login-error');
    expect(session.isSignedIn.value).toBe(false);
    expect(fetchMe).toHaveBeenCalledOnce();
  });

  it('lets a visitor through when /api/me cannot be reached', async () => {
    const session = createSession(() => Promise.reject(new Error('down')));
    const router = createAppRouter(createMemoryHistory(), session);
    await router.push('/login/pending');
    expect(router.currentRoute.value.name).toBe('login-pending');
  });

  it("strips Facebook's #_=_ in a guard", async () => {
    const { router } = setup(null);
    await router.push('/login/pending#_=_');
    expect(router.currentRoute.value.name).toBe('login-pending');
    expect(router.currentRoute.value.hash).toBe('');
    expect(router.currentRoute.value.fullPath).toBe('/login/pending');
  });

  it('shows Not Found for unknown paths', async () => {
    const { router } = setup(null);
    await router.push('/no/such/page');
    expect(router.currentRoute.value.name).toBe('not-found');
    expect(resolveTitle(router.currentRoute.value.meta.title, false)).toBe(
      'Not found',
    );
  });

  it('knows which paths are login paths', () => {
    expect(isLoginPath('/login/pending')).toBe(true);
    expect(isLoginPath('/login')).toBe(true);
    expect(isLoginPath('/loginx')).toBe(false);
    expect(isLoginPath('/')).toBe(false);
  });
});

describe('route titles', () => {
  it('titles home by session state', async () => {
    const { router } = setup(null);
    await router.push('/');
    const title = router.currentRoute.value.meta.title;
    expect(resolveTitle(title, false)).toBe(`Sign in — ${APP_NAME}`);
    expect(resolveTitle(title, true)).toBe(`Home — ${APP_NAME}`);
    expect(resolveTitle(title, null)).toBe(APP_NAME);
  });

  it('titles the login views', async () => {
    const { router } = setup(null);
    await router.push('/login/pending');
    expect(resolveTitle(router.currentRoute.value.meta.title, false)).toBe(
      'Signing you in…',
    );
    await router.push('/login/error');
    expect(resolveTitle(router.currentRoute.value.meta.title, false)).toBe(
      'Sign-in failed',
    );
  });
});

describe('stripFacebookHash', () => {
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('removes #_=_ from the address bar, keeping path and query', () => {
    window.history.replaceState(null, '', '/login/pending?x=1#_=_');
    stripFacebookHash();
    expect(window.location.hash).toBe('');
    expect(window.location.pathname + window.location.search).toBe(
      '/login/pending?x=1',
    );
  });

  it('leaves other hashes alone', () => {
    window.history.replaceState(null, '', '/#section');
    stripFacebookHash();
    expect(window.location.hash).toBe('#section');
  });
});
