import { describe, expect, it, vi } from 'vitest';
import type { User } from '@/api/auth';
import { createSession } from './session';

const ada: User = { id: 'u1', firstName: 'Ada', lastName: null, email: null };

describe('createSession', () => {
  it('shares one request in flight and caches the answer', async () => {
    const fetchMe = vi.fn(async () => ada);
    const session = createSession(fetchMe);
    expect(session.state.value).toBe('unknown');
    const [a, b] = await Promise.all([
      session.ensureLoaded(),
      session.ensureLoaded(),
    ]);
    expect(a).toEqual(ada);
    expect(b).toEqual(ada);
    await session.ensureLoaded();
    expect(fetchMe).toHaveBeenCalledOnce();
    expect(session.isSignedIn.value).toBe(true);
  });

  it('re-checks once the cached answer is old', async () => {
    vi.useFakeTimers();
    try {
      const fetchMe = vi.fn(async () => null);
      const session = createSession(fetchMe);
      await session.ensureLoaded(1_000);
      vi.advanceTimersByTime(1_001);
      await session.ensureLoaded(1_000);
      expect(fetchMe).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets setUser win over an older answer still in flight', async () => {
    let answer!: (user: User | null) => void;
    const session = createSession(
      () => new Promise((resolve) => (answer = resolve)),
    );
    const loading = session.refresh();
    expect(session.state.value).toBe('loading');
    session.setUser(ada);
    answer(null);
    expect(await loading).toEqual(ada);
    expect(session.user.value).toEqual(ada);
  });

  it('records an error without throwing', async () => {
    const session = createSession(() => Promise.reject(new Error('down')));
    await expect(session.ensureLoaded()).resolves.toBeNull();
    expect(session.state.value).toBe('error');
  });

  it('knows when the e-mail was declined, until a sign-in brings one', () => {
    const session = createSession(async () => null);
    expect(session.emailDeclined.value).toBe(false);
    session.setUser({ ...ada, declined: ['email'] });
    expect(session.emailDeclined.value).toBe(true);
    session.setUser({ ...ada, declined: ['user_birthday'] });
    expect(session.emailDeclined.value).toBe(false);
    session.setUser({ ...ada, email: 'ada@example.com', declined: [] });
    expect(session.emailDeclined.value).toBe(false);
    // A user from before `declined` existed.
    session.setUser(ada);
    expect(session.emailDeclined.value).toBe(false);
  });
});
