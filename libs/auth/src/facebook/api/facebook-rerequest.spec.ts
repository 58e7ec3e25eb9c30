import { reRequestablePermissions } from '../facebook-permissions';
import { parseReRequest } from './facebook-rerequest';

describe('parseReRequest', () => {
  const allowed = reRequestablePermissions(['user_birthday']);

  it('re-requestable: e-mail and what the host adds, never public_profile', () => {
    expect(reRequestablePermissions()).toEqual(['email']);
    expect(allowed).toEqual(['email', 'user_birthday']);
    expect(reRequestablePermissions(['public_profile', 'email'])).toEqual(['email']);
  });

  it('an ordinary start has none', () => {
    expect(parseReRequest({}, allowed)).toEqual({ ok: true, permissions: null });
    expect(parseReRequest({ returnTo: '/x' }, allowed)).toEqual({ ok: true, permissions: null });
  });

  it('takes known permissions, each once', () => {
    expect(parseReRequest({ rerequest: 'email' }, allowed)).toEqual({ ok: true, permissions: ['email'] });
    expect(parseReRequest({ rerequest: 'email,user_birthday,email' }, allowed)).toEqual({
      ok: true,
      permissions: ['email', 'user_birthday'],
    });
  });

  it.each([
    ['empty', { rerequest: '' }],
    ['an empty item', { rerequest: 'email,' }],
    ['unknown', { rerequest: 'user_friends' }],
    ['public_profile', { rerequest: 'public_profile' }],
    ['upper case', { rerequest: 'EMAIL' }],
    ['spaced', { rerequest: ' email' }],
    ['repeated', { rerequest: ['email', 'email'] }],
    ['an object', { rerequest: { email: '1' } }],
    ['beside link', { rerequest: 'email', link: '1' }],
  ])('refuses %s', (_label, query) => {
    expect(parseReRequest(query, allowed)).toEqual({ ok: false });
  });
});
