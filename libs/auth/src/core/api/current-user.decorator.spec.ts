import type { Request } from 'express';
import { currentUserOf } from './current-user.decorator';

const signedIn = (profile: unknown) =>
  ({ isAuthenticated: () => true, user: { id: 42 }, session: { profile } }) as unknown as Request;

describe('currentUserOf (@CurrentUser())', () => {
  const ada = { id: 'p_1', firstName: 'Ada', lastName: null, email: null };

  it('is the session’s profile and the internal id', () => {
    const profile = { ...ada, declined: ['email'], pictureUrl: 'https://example.test/ada.jpg' };
    expect(currentUserOf(signedIn(profile))).toEqual({ userProfileId: 42, ...profile });
  });

  it('fills in declined and pictureUrl for a session signed in before they existed', () => {
    const user = currentUserOf(signedIn(ada));
    expect(user).toEqual({ userProfileId: 42, ...ada, declined: [], pictureUrl: null });
    // What a host route does with it must not throw.
    expect(user!.declined.includes('email')).toBe(false);
  });

  it('is null signed out, or for a session that kept no profile', () => {
    expect(currentUserOf({ isAuthenticated: () => false, session: {} } as unknown as Request)).toBeNull();
    expect(currentUserOf(signedIn(undefined))).toBeNull();
  });
});
