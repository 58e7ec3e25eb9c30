import { describe, expect, it, vi } from 'vitest';
import {
  FACEBOOK,
  getProviders,
  GOOGLE,
  listNames,
  providerFromId,
  providerIdFromQuery,
  signInLabel,
  retrySignInUrl,
  signInUrl,
} from './providers';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('getProviders', () => {
  it('asks GET /api/auth/providers and keeps the server’s order', async () => {
    const fetchMock = vi.fn(async () =>
      jsonResponse(200, { providers: [GOOGLE, FACEBOOK] }),
    );
    vi.stubGlobal('fetch', fetchMock);
    await expect(getProviders()).resolves.toEqual([GOOGLE, FACEBOOK]);
    expect(fetchMock.mock.calls[0]).toContain('/api/auth/providers');
  });

  it('leaves out entries it cannot use', async () => {
    vi.stubGlobal('fetch', async () =>
      jsonResponse(200, {
        providers: [
          FACEBOOK,
          { id: 'x/../y', name: 'Path' },
          { id: 'github' },
          'google',
        ],
      }),
    );
    await expect(getProviders()).resolves.toEqual([FACEBOOK]);
  });

  it.each([
    ['an error', () => jsonResponse(500, { statusCode: 500, message: 'x' })],
    ['no list', () => jsonResponse(200, {})],
    ['an empty list', () => jsonResponse(200, { providers: [] })],
  ])('rejects on %s (the caller falls back)', async (_, answer) => {
    vi.stubGlobal('fetch', async () => answer());
    await expect(getProviders()).rejects.toBeInstanceOf(Error);
  });
});

describe('providerFromId', () => {
  it('reads no provider as Facebook, a known id as its provider', () => {
    expect(providerFromId(undefined)).toEqual(FACEBOOK);
    expect(providerFromId(null)).toEqual(FACEBOOK);
    expect(providerFromId('facebook')).toEqual(FACEBOOK);
    expect(providerFromId('google')).toEqual(GOOGLE);
  });

  it.each(['github', 'Google', 'constructor'])('knows no provider %s', (id) => {
    expect(providerFromId(id)).toBeNull();
  });

  it('reads a query value like a reason', () => {
    expect(providerIdFromQuery('google')).toBe('google');
    expect(providerIdFromQuery(['google', 'facebook'])).toBe('google');
    expect(providerIdFromQuery(' ')).toBeNull();
    expect(providerIdFromQuery(undefined)).toBeNull();
  });
});

describe('signInUrl', () => {
  it('starts a sign-in, with where to come back to', () => {
    expect(signInUrl('facebook')).toBe('/auth/facebook');
    expect(signInUrl('google', { returnTo: '/' })).toBe(
      '/auth/google?returnTo=%2F',
    );
    expect(signInUrl('google', { returnTo: '/?tab=a&b=1' })).toBe(
      '/auth/google?returnTo=%2F%3Ftab%3Da%26b%3D1',
    );
  });

  it('links a provider with link=1', () => {
    expect(signInUrl('google', { link: true, returnTo: '/' })).toBe(
      '/auth/google?link=1&returnTo=%2F',
    );
    expect(signInUrl('facebook', { link: true })).toBe('/auth/facebook?link=1');
  });

  it('asks again for declined permissions with rerequest=', () => {
    expect(signInUrl('facebook', { rerequest: ['email'] })).toBe(
      '/auth/facebook?rerequest=email',
    );
    expect(
      signInUrl('facebook', { rerequest: ['email', 'user_birthday'] }),
    ).toBe('/auth/facebook?rerequest=email%2Cuser_birthday');
  });

  it('never sends a returnTo off this origin', () => {
    expect(signInUrl('google', { returnTo: '//evil.example' })).toBe(
      '/auth/google?returnTo=%2F',
    );
  });
});

describe('labels', () => {
  it('keeps Facebook’s button text and names the others', () => {
    expect(signInLabel(FACEBOOK)).toBe('Continue with Facebook');
    expect(signInLabel(GOOGLE)).toBe('Continue with Google');
    expect(signInLabel({ id: 'github', name: 'GitHub' })).toBe(
      'Continue with GitHub',
    );
  });

  it('lists names in words', () => {
    expect(listNames(['Facebook'], 'disjunction')).toBe('Facebook');
    expect(listNames(['Facebook', 'Google'], 'disjunction')).toBe(
      'Facebook or Google',
    );
    expect(listNames(['Facebook', 'Google'], 'conjunction')).toBe(
      'Facebook and Google',
    );
  });
});

describe('retrySignInUrl', () => {
  const signedIn = {
    id: 'p_1',
    firstName: 'Ada',
    lastName: 'L',
    email: null,
    declined: ['email'],
    providers: ['facebook'],
  };

  it('signs a signed-out person in again', () => {
    expect(retrySignInUrl('facebook', null)).toBe('/auth/facebook');
  });

  it('re-requests what was declined on a provider the person has linked', () => {
    expect(retrySignInUrl('facebook', signedIn)).toBe(
      '/auth/facebook?rerequest=email',
    );
  });

  it('links again a provider not linked yet, or one with nothing declined', () => {
    expect(retrySignInUrl('google', signedIn)).toBe('/auth/google?link=1');
    expect(retrySignInUrl('facebook', { ...signedIn, declined: [] })).toBe(
      '/auth/facebook?link=1',
    );
  });
});
