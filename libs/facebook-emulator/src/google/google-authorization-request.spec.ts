import { beforeAll, describe, expect, it } from '@jest/globals';
import { resolveGoogleEmulatorOptions } from './google-emulator.options';
import { GoogleEmulatorStateService } from './google-emulator-state.service';
import { parseGoogleAuthorizationRequest } from './google-authorization-request';
import { generateGoogleSigningKey } from './google-signing-key';

const CLIENT = {
  clientId: '111-one.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-one',
  redirectUris: ['http://localhost:3000/auth/google/callback'],
};
const PARAMS = {
  client_id: CLIENT.clientId,
  redirect_uri: CLIENT.redirectUris[0],
  response_type: 'code',
  scope: 'openid email profile',
  state: 's',
  nonce: 'n',
  code_challenge: 'c'.repeat(43),
  code_challenge_method: 'S256',
};

describe(parseGoogleAuthorizationRequest.name, () => {
  let state: GoogleEmulatorStateService;

  beforeAll(async () => {
    state = new GoogleEmulatorStateService(
      resolveGoogleEmulatorOptions({ clients: [CLIENT] }),
      await generateGoogleSigningKey(),
    );
  });

  it('normalizes scopes to short names, openid first, and drops the account field from the replay', () => {
    const parsed = parseGoogleAuthorizationRequest(
      {
        ...PARAMS,
        scope: 'https://www.googleapis.com/auth/userinfo.profile  email openid email',
        sub: '1',
        prompt: 'select_account',
      },
      state,
    );
    if (!parsed.ok) throw new Error(parsed.rejection.message);
    expect(parsed.request.scopes).toEqual(['openid', 'email', 'profile']);
    expect(parsed.request.params).not.toHaveProperty('sub');
    expect(parsed.request.params.prompt).toBe('select_account');
    expect(parsed.request.client.name).toBe(`App ${CLIENT.clientId}`);
  });

  it('checks the client before the redirect URI, and both before anything else', () => {
    const unknown = parseGoogleAuthorizationRequest({ client_id: 'x', redirect_uri: 'http://evil.test' }, state);
    expect(unknown).toMatchObject({
      ok: false,
      rejection: { status: 401, error: 'invalid_client' },
    });
    const mismatch = parseGoogleAuthorizationRequest(
      { client_id: CLIENT.clientId, redirect_uri: 'http://evil.test' },
      state,
    );
    expect(mismatch).toMatchObject({
      ok: false,
      rejection: { error: 'redirect_uri_mismatch' },
    });
  });

  it('lists the invalid scopes like Google', () => {
    expect(parseGoogleAuthorizationRequest({ ...PARAMS, scope: 'openid drive calendar' }, state)).toMatchObject({
      ok: false,
      rejection: {
        error: 'invalid_scope',
        message: 'Some requested scopes were invalid. {invalid=[drive, calendar]}',
      },
    });
  });
});
