import { permissionsToAsk, type DialogRequest } from './dialog-request';

const request = (scopes: string[], rerequest = false) =>
  ({ grantedScopes: ['public_profile', ...scopes], rerequest }) as unknown as DialogRequest;

describe('permissionsToAsk', () => {
  it('asks for every optional permission requested, never public_profile', () => {
    expect(permissionsToAsk(request(['email', 'user_birthday']), [])).toEqual(['email', 'user_birthday']);
    expect(permissionsToAsk(request([]), [])).toEqual([]);
  });

  it('does not ask again for a declined one, unless re-requested', () => {
    expect(permissionsToAsk(request(['email', 'user_birthday']), ['email'])).toEqual(['user_birthday']);
    expect(permissionsToAsk(request(['email'], true), ['email'])).toEqual(['email']);
  });
});
