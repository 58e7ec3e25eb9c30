import { describe, expect, it } from '@jest/globals';
import { resolveGoogleEmulatorOptions } from './google-emulator.options';
import { loadGoogleEmulatorOptionsFromEnv } from './load-google-emulator-options-from-env';

describe(loadGoogleEmulatorOptionsFromEnv.name, () => {
  it('has working defaults: the request decides the issuer', () => {
    expect(loadGoogleEmulatorOptionsFromEnv({})).toEqual({
      clients: [
        {
          clientId: '123456789012-emulator.apps.googleusercontent.com',
          clientSecret: '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e-me',
          redirectUris: ['http://localhost:3000/auth/google/callback'],
        },
      ],
    });
  });

  it('reads every variable', () => {
    expect(
      loadGoogleEmulatorOptionsFromEnv({
        GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
        GOOGLE_CLIENT_SECRET: 's3cret',
        PUBLIC_URL: 'https://app.test:8443/',
        EMULATOR_GOOGLE_ISSUER: 'http://127.0.0.1:3001/google/',
        EMULATOR_PUBLIC_URL: 'http://localhost:3001/',
      }),
    ).toEqual({
      clients: [
        {
          clientId: 'id.apps.googleusercontent.com',
          clientSecret: 's3cret',
          redirectUris: ['https://app.test:8443/auth/google/callback'],
        },
      ],
      issuer: 'http://127.0.0.1:3001/google',
      publicUrl: 'http://localhost:3001',
    });
    expect(
      loadGoogleEmulatorOptionsFromEnv({
        EMULATOR_GOOGLE_REDIRECT_URIS: 'http://a.test/cb, http://b.test/cb',
      }).clients[0].redirectUris,
    ).toEqual(['http://a.test/cb', 'http://b.test/cb']);
  });

  it.each([
    ['EMULATOR_GOOGLE_REDIRECT_URIS', 'not a url'],
    ['EMULATOR_GOOGLE_ISSUER', 'http://127.0.0.1:3001'],
    ['EMULATOR_GOOGLE_ISSUER', 'http://127.0.0.1:3001/google?x=1'],
    ['EMULATOR_PUBLIC_URL', 'http://localhost:3001/google'],
    ['EMULATOR_PUBLIC_URL', 'localhost:3001'],
  ])('names %s when its value (%s) is invalid', (name, value) => {
    expect(() => loadGoogleEmulatorOptionsFromEnv({ [name]: value })).toThrow(name);
  });
});

describe(resolveGoogleEmulatorOptions.name, () => {
  const client = {
    clientId: 'a',
    clientSecret: 'b',
    redirectUris: ['http://x.test/cb'],
  };

  it('refuses duplicates, bad ids and an issuer outside /google', () => {
    expect(() => resolveGoogleEmulatorOptions({ clients: [client, client] })).toThrow('duplicate client id a');
    expect(() =>
      resolveGoogleEmulatorOptions({
        clients: [client],
        users: [
          { sub: '1', email: 'a@example.net', given_name: 'A' },
          { sub: '1', email: 'b@example.net', given_name: 'B' },
        ],
      }),
    ).toThrow('duplicate user sub 1');
    expect(() =>
      resolveGoogleEmulatorOptions({
        clients: [{ ...client, clientId: 'a b' }],
      }),
    ).toThrow(/clientId/);
    expect(() =>
      resolveGoogleEmulatorOptions({
        clients: [client],
        issuer: 'http://x.test/oidc',
      }),
    ).toThrow(/issuer/);
    expect(() => resolveGoogleEmulatorOptions({ clients: [] })).toThrow(/clients/);
  });
});
