import { describe, expect, it } from '@jest/globals';
import { loadGoogleEmulatorOptionsFromEnv } from './google/load-google-emulator-options-from-env';
import { loadEmulatorListenOptionsFromEnv, loadEmulatorOptionsFromEnv } from './load-emulator-options-from-env';

describe(loadEmulatorOptionsFromEnv.name, () => {
  it('has working defaults', () => {
    expect(loadEmulatorOptionsFromEnv({})).toEqual({
      apps: [
        {
          appId: '1234567890123456',
          appSecret: 'emulator-app-secret-change-me',
          redirectUris: ['http://localhost:3000/auth/facebook/callback'],
        },
      ],
      requireAppSecretProof: true,
      google: loadGoogleEmulatorOptionsFromEnv({}),
    });
  });

  it('derives the default redirect URI from PUBLIC_URL', () => {
    const options = loadEmulatorOptionsFromEnv({
      PUBLIC_URL: 'https://app.test:8443/',
    });
    expect(options.apps[0].redirectUris).toEqual(['https://app.test:8443/auth/facebook/callback']);
  });

  it('reads every variable', () => {
    const options = loadEmulatorOptionsFromEnv({
      FACEBOOK_APP_ID: '42',
      FACEBOOK_APP_SECRET: 's3cret',
      EMULATOR_REDIRECT_URIS: 'http://a.test/cb, http://b.test/cb?x=1 ,',
      EMULATOR_REQUIRE_APPSECRET_PROOF: 'false',
    });
    expect(options).toEqual({
      apps: [
        {
          appId: '42',
          appSecret: 's3cret',
          redirectUris: ['http://a.test/cb', 'http://b.test/cb?x=1'],
        },
      ],
      requireAppSecretProof: false,
      google: loadGoogleEmulatorOptionsFromEnv({}),
    });
  });

  it("reads EMULATOR_PUBLIC_URL as the browser-facing origin of /me's pictures, shared with the Google side", () => {
    const options = loadEmulatorOptionsFromEnv({ EMULATOR_PUBLIC_URL: 'http://localhost:3001/' });
    expect(options.publicUrl).toBe('http://localhost:3001');
    expect(options.google?.publicUrl).toBe('http://localhost:3001');
    expect(loadEmulatorOptionsFromEnv({})).not.toHaveProperty('publicUrl');
    expect(() => loadEmulatorOptionsFromEnv({ EMULATOR_PUBLIC_URL: 'localhost:3001' })).toThrow(/EMULATOR_PUBLIC_URL/);
  });

  it('always describes a Google side, from the same environment', () => {
    const options = loadEmulatorOptionsFromEnv({
      PUBLIC_URL: 'https://app.test:8443',
      GOOGLE_CLIENT_ID: 'x.apps.googleusercontent.com',
    });
    expect(options.google?.clients).toEqual([
      expect.objectContaining({
        clientId: 'x.apps.googleusercontent.com',
        redirectUris: ['https://app.test:8443/auth/google/callback'],
      }),
    ]);
  });

  it('treats empty values as unset', () => {
    expect(loadEmulatorOptionsFromEnv({ FACEBOOK_APP_ID: '' }).apps[0].appId).toBe('1234567890123456');
  });

  it.each([
    ['FACEBOOK_APP_ID', 'abc'],
    ['EMULATOR_REDIRECT_URIS', 'not a url'],
    ['EMULATOR_REDIRECT_URIS', 'ftp://x.test/cb'],
    ['EMULATOR_REQUIRE_APPSECRET_PROOF', 'maybe'],
    ['PUBLIC_URL', 'localhost:3000'],
  ])('names %s when its value (%s) is invalid', (name, value) => {
    expect(() => loadEmulatorOptionsFromEnv({ [name]: value })).toThrow(name);
  });
});

describe(loadEmulatorListenOptionsFromEnv.name, () => {
  it('defaults to 127.0.0.1:3001 and validates the port', () => {
    expect(loadEmulatorListenOptionsFromEnv({})).toEqual({
      host: '127.0.0.1',
      port: 3001,
    });
    expect(
      loadEmulatorListenOptionsFromEnv({
        EMULATOR_PORT: '0',
        EMULATOR_HOST: '0.0.0.0',
      }),
    ).toEqual({ host: '0.0.0.0', port: 0 });
    expect(() => loadEmulatorListenOptionsFromEnv({ EMULATOR_PORT: '70000' })).toThrow('EMULATOR_PORT');
    expect(() => loadEmulatorListenOptionsFromEnv({ EMULATOR_PORT: 'x' })).toThrow('EMULATOR_PORT');
  });
});
